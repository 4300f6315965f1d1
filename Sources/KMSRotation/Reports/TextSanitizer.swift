/// Text hygiene shared by the text formats: user-controlled strings (aliases, messages quoting AWS
/// errors) must not smuggle terminal escapes or line breaks into a table, a CSV cell or an XML attribute.
package enum TextSanitizer {
    /// Replaces control characters (C0, DEL, C1: ESC, CR, LF, TAB…) with spaces, so the text is one
    /// printable line: no ANSI escape sequence reaches the terminal and no row is split.
    package static func singleLine(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(isControl(scalar) ? " " : scalar)
        }
        return String(result)
    }

    /// Whether the scalar is a C0 or C1 control character or DEL.
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Multi-line text for a terminal: every control character except newline and tab written as a
    /// visible escape (`\u{1B}`), so nothing in it can move the cursor, retitle the window (OSC) or
    /// overwrite a line (CR). Used by the CLI on everything it prints to standard error and in the plan.
    package static func visible(_ text: String) -> String {
        func unsafe(_ scalar: Unicode.Scalar) -> Bool { scalar != "\n" && scalar != "\t" && isControl(scalar) }
        guard text.unicodeScalars.contains(where: unsafe) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if unsafe(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The width of text on a terminal: characters, ANSI CSI sequences (`ESC [ … letter`) excluded.
    static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var inEscape = false
        var sawBracket = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if !sawBracket {
                    sawBracket = scalar == "["
                    if !sawBracket { inEscape = false }
                } else if (0x40...0x7E).contains(scalar.value) {
                    inEscape = false
                }
                continue
            }
            if scalar == "\u{1B}" {
                inEscape = true
                sawBracket = false
                continue
            }
            // Combining marks and zero-width joiners add no width.
            if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark
                || scalar.value == 0x200D || (0xFE00...0xFE0F).contains(scalar.value)
            {
                continue
            }
            width += 1
        }
        return width
    }

    /// Shortens plain text to at most `width` characters, ending with "…" when shortened.
    static func truncate(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(width, 0))) }
        return String(text.prefix(width - 1)) + "…"
    }
}
