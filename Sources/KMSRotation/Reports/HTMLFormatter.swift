import Foundation

/// `html`: one self-contained page for an auditor. Inline CSS, JavaScript and SVG only; a Content Security
/// Policy forbids every network request (no font, image or script is fetched), so the file opens the same
/// from a mail attachment, `file://` or an artefact store.
///
/// The summary (counts, a chart and tables by Region and by account), the findings table with each key's
/// evidence and fix, and the scan errors are static HTML, readable without JavaScript; the script only adds
/// sorting, filtering and copy buttons, and works on rows already in the page, so 20,000 findings stay usable.
///
/// Every string from outside (aliases, key IDs, AWS messages, tags, justifications) is escaped for HTML text
/// or attributes, and control characters are replaced, so nothing in a report can add markup or script.
struct HTMLFormatter: ReportFormatter {
    func render(_ report: RotationReport, options: RenderOptions) throws -> String {
        var out = ""
        out.reserveCapacity(4_096 + report.findings.count * 900)
        out += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(Self.contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="\(Self.attribute(Benchmark.toolName)) \(Self.attribute(options.toolVersion))">
            <title>KMS key rotation report</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header>
            <h1>KMS key rotation report</h1>
            <dl class="meta">
            <dt>Generated</dt><dd>\(ISO8601.string(from: report.generatedAt)) by \(Benchmark.toolName) \(Self.text(options.toolVersion))</dd>
            <dt>Control</dt><dd>\(Benchmark.standard), control \(Benchmark.control): \(Self.text(Benchmark.controlTitle))</dd>
            <dt>Policy</dt><dd>\(Self.text(report.policy.summaryText))</dd>
            <dt>Regions</dt><dd>\(report.regions.isEmpty ? "none" : report.regions.map(Self.text).joined(separator: ", "))</dd>
            <dt>Outcome</dt><dd id="outcome">\(report.outcome.rawValue)</dd>
            </dl>
            </header>
            <main>

            """
        summary(report, into: &out)
        findingsTable(report, into: &out)
        errors(report, into: &out)
        out += "</main>\n<script>\(Self.script)</script>\n</body>\n</html>\n"
        return out
    }

    // MARK: - Summary

    private static let verdicts: [Compliance] = [.nonCompliant, .insufficientData, .compliant, .notApplicable]

    private func summary(_ report: RotationReport, into out: inout String) {
        out += "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n"
        for compliance in Self.verdicts {
            out +=
                "<div class=\"card \(Self.cssClass(compliance))\"><span class=\"count\" id=\"count-\(compliance.rawValue)\">"
                + "\(report.summary[compliance])</span><span class=\"label\">\(compliance.rawValue)</span></div>\n"
        }
        out +=
            "<div class=\"card total\"><span class=\"count\" id=\"count-total\">\(report.summary.total)</span>"
            + "<span class=\"label\">keys</span></div>\n"
        out +=
            "<div class=\"card\"><span class=\"count\" id=\"count-suppressed\">\(report.suppressedCount)</span>"
            + "<span class=\"label\">suppressed</span></div>\n"
        out +=
            "<div class=\"card\"><span class=\"count\" id=\"count-errors\">\(report.errors.count)</span>"
            + "<span class=\"label\">scan errors</span></div>\n</div>\n"

        let byRegion = Self.counts(report.findings) { $0.region ?? "(unknown)" }
        out += "<h3>By Region</h3>\n"
        chart(byRegion, into: &out)
        countsTable(byRegion, id: "by-region", heading: "Region", into: &out)
        let byAccount = Self.counts(report.findings) { $0.accountId ?? "(unknown)" }
        out += "<h3>By account</h3>\n"
        countsTable(byAccount, id: "by-account", heading: "Account", into: &out)
        out += "</section>\n"
    }

    private static func counts(_ findings: [RotationFinding], by group: (RotationFinding) -> String) -> [(String, RotationReport.Summary)] {
        Dictionary(grouping: findings, by: group).map { ($0.key, RotationReport.Summary($0.value)) }.sorted { $0.0 < $1.0 }
    }

    /// A stacked horizontal bar per group, scaled to the largest group.
    private func chart(_ groups: [(String, RotationReport.Summary)], into out: inout String) {
        let labelWidth = 150, barWidth = 520, rowHeight = 26
        let largest = max(1, groups.map { $0.1.total }.max() ?? 1)
        let height = max(1, groups.count) * rowHeight + 24
        out +=
            "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 \(labelWidth + barWidth + 60) \(height)\" "
            + "width=\"\(labelWidth + barWidth + 60)\" height=\"\(height)\" xmlns=\"http://www.w3.org/2000/svg\">\n"
            + "<title id=\"chart-title\">Findings by Region and verdict</title>\n"
        for (row, (name, counts)) in groups.enumerated() {
            let y = row * rowHeight
            out += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(Self.text(name))</text>\n"
            var x = labelWidth
            for compliance in Self.verdicts where counts[compliance] > 0 {
                let width = max(1, counts[compliance] * barWidth / largest)
                out +=
                    "<rect class=\"\(Self.cssClass(compliance))\" x=\"\(x)\" y=\"\(y + 4)\" width=\"\(width)\" "
                    + "height=\"\(rowHeight - 8)\">"
                    + "<title>\(Self.text(name)): \(counts[compliance]) \(compliance.rawValue)</title></rect>\n"
                x += width
            }
            out += "<text x=\"\(x + 6)\" y=\"\(y + 17)\">\(counts.total)</text>\n"
        }
        let legendY = max(1, groups.count) * rowHeight + 16
        var legendX = labelWidth
        for compliance in Self.verdicts {
            out +=
                "<rect class=\"\(Self.cssClass(compliance))\" x=\"\(legendX)\" y=\"\(legendY - 10)\" width=\"10\" height=\"10\"></rect>"
                + "<text x=\"\(legendX + 14)\" y=\"\(legendY)\">\(compliance.rawValue)</text>\n"
            legendX += 150
        }
        out += "</svg>\n"
    }

    private func countsTable(_ groups: [(String, RotationReport.Summary)], id: String, heading: String, into out: inout String) {
        out += "<table class=\"counts\" id=\"\(id)\">\n<thead><tr><th scope=\"col\">\(heading)</th>"
        for compliance in Self.verdicts { out += "<th scope=\"col\">\(compliance.rawValue)</th>" }
        out += "<th scope=\"col\">Total</th></tr></thead>\n<tbody>\n"
        for (name, counts) in groups {
            out += "<tr><th scope=\"row\">\(Self.text(name))</th>"
            for compliance in Self.verdicts { out += "<td>\(counts[compliance])</td>" }
            out += "<td>\(counts.total)</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
    }

    // MARK: - Findings

    private func findingsTable(_ report: RotationReport, into out: inout String) {
        out += "<section id=\"findings-section\">\n<h2>Findings (\(report.findings.count))</h2>\n"
        out +=
            "<div class=\"controls\" id=\"controls\">\n"
            + "<label>Search <input type=\"search\" id=\"filter-text\" placeholder=\"alias, key, message…\"></label>\n"
            + "<label>Verdict <select id=\"filter-verdict\"><option value=\"\">all</option>"
        for compliance in Self.verdicts { out += "<option value=\"\(compliance.rawValue)\">\(compliance.rawValue)</option>" }
        out += "</select></label>\n<label>Region <select id=\"filter-region\"><option value=\"\">all</option>"
        for region in Set(report.findings.compactMap(\.region)).sorted() {
            out += "<option value=\"\(Self.attribute(region))\">\(Self.text(region))</option>"
        }
        out += "</select></label>\n<label>Account <select id=\"filter-account\"><option value=\"\">all</option>"
        for account in Set(report.findings.compactMap(\.accountId)).sorted() {
            out += "<option value=\"\(Self.attribute(account))\">\(Self.text(account))</option>"
        }
        out +=
            "</select></label>\n<span id=\"shown\" aria-live=\"polite\">\(report.findings.count) of \(report.findings.count) "
            + "findings shown</span>\n</div>\n"
        // Fixed column widths: the browser lays out 20,000 rows without measuring every cell first.
        out +=
            "<table id=\"findings\">\n<colgroup><col style=\"width:10.5rem\"><col style=\"width:16rem\"><col style=\"width:8rem\">"
            + "<col style=\"width:7.5rem\"><col style=\"width:9rem\"><col style=\"width:6rem\"><col></colgroup>\n<thead><tr>"
            + "<th scope=\"col\" data-sort=\"text\">Verdict</th><th scope=\"col\" data-sort=\"text\">Key</th>"
            + "<th scope=\"col\" data-sort=\"text\">Account</th><th scope=\"col\" data-sort=\"text\">Region</th>"
            + "<th scope=\"col\" data-sort=\"text\">Reason</th><th scope=\"col\" data-sort=\"number\">Material age (days)</th>"
            + "<th scope=\"col\">Details</th></tr></thead>\n<tbody>\n"
        for finding in report.findings { row(finding, into: &out) }
        out += "</tbody>\n</table>\n</section>\n"
    }

    private func row(_ finding: RotationFinding, into out: inout String) {
        let verdict = finding.compliance.rawValue
        out +=
            "<tr class=\"\(Self.cssClass(finding.compliance))\(finding.isSuppressed ? " suppressed" : "")\" data-verdict=\"\(verdict)\""
            + " data-region=\"\(Self.attribute(finding.region ?? ""))\" data-account=\"\(Self.attribute(finding.accountId ?? ""))\""
            + (finding.isSuppressed ? " data-suppressed=\"true\"" : "") + ">"
        out += "<td data-v=\"\(Self.rank(finding.compliance))\"><span class=\"badge\">\(verdict)</span>"
        if finding.isSuppressed { out += " <span class=\"badge muted\">suppressed</span>" }
        out += "</td><td><span class=\"name\">\(Self.text(finding.displayName))</span>"
        if let arn = finding.keyArn { out += "<br><span class=\"arn\">\(Self.text(arn))</span>" }
        out += "</td><td>\(Self.text(finding.accountId ?? ""))</td><td>\(Self.text(finding.region ?? ""))</td>"
        out += "<td><code>\(finding.reason.rawValue)</code></td>"
        let age = finding.evidence?.keyMaterialAgeDays
        out += "<td class=\"num\" data-v=\"\(age.map(String.init) ?? "")\">\(age.map(String.init) ?? "–")</td>"
        out += "<td><p>\(Self.text(finding.message))</p>"
        let facts = Self.evidenceLines(finding)
        if !facts.isEmpty {
            out += "<ul class=\"evidence\">"
            for fact in facts { out += "<li>\(fact)</li>" }
            out += "</ul>"
        }
        if let remediation = finding.remediation {
            out +=
                "<div class=\"fix\"><code>\(Self.text(remediation.command))</code>"
                + "<button type=\"button\" class=\"copy\" data-copy=\"\(Self.attribute(remediation.command))\">Copy</button>"
            if let note = remediation.note { out += "<br><small>\(Self.text(note))</small>" }
            out += "</div>"
        }
        out += "</td></tr>\n"
    }

    /// The evidence of one finding as escaped list items.
    private static func evidenceLines(_ finding: RotationFinding) -> [String] {
        var lines: [String] = []
        func date(_ value: Date?) -> String { value.map { Self.text(ISO8601.string(from: $0)) } ?? "–" }
        if let created = finding.evidence?.creationDate { lines.append("Created \(date(created))") }
        if let rotation = finding.rotation {
            var text = "Rotation \(rotation.enabled.map { $0 ? "on" : "off" } ?? "unknown")"
            if let period = rotation.rotationPeriodInDays { text += ", every \(period) days" }
            if let next = rotation.nextRotationDate { text += ", next \(date(next))" }
            lines.append(text)
            if let started = rotation.onDemandRotationStartDate { lines.append("On-demand rotation in progress since \(date(started))") }
        }
        if let evidence = finding.evidence {
            if let count = evidence.rotationCount {
                var text = "\(count) rotation\(count == 1 ? "" : "s")"
                if let last = evidence.lastRotationDate {
                    text += "; last \(date(last))"
                    if let type = evidence.lastRotationType { text += " (\(Self.text(type.rawValue)))" }
                    if let material = evidence.lastKeyMaterialId { text += ", material <code>\(Self.text(material))</code>" }
                }
                lines.append(text)
            }
            if let error = evidence.historyError {
                lines.append(
                    "Rotation history unavailable: \(Self.text(error.operation)) \(Self.text(error.code)): "
                        + Self.text(error.message))
            }
            if let days = evidence.daysSinceLastUse { lines.append("Unused for \(days) days") }
            if let error = evidence.lastUsageError {
                lines.append("Last use unavailable: \(Self.text(error.code)): \(Self.text(error.message))")
            }
        }
        if let error = finding.error, error.operation != "ListKeyRotations" {
            lines.append("Error: \(Self.text(error.operation)) \(Self.text(error.code)): \(Self.text(error.message))")
        }
        if let rule = finding.policyRule { lines.append("Policy rule \(Self.text(rule))") }
        if let suppression = finding.suppression {
            let until = suppression.expires.map { " until \(date($0))" } ?? ""
            lines.append("Suppressed\(until): \(Self.text(suppression.justification))")
        }
        return lines
    }

    private func errors(_ report: RotationReport, into out: inout String) {
        out += "<section id=\"errors\">\n<h2>Scan errors (\(report.errors.count))</h2>\n"
        if report.errors.isEmpty {
            out += "<p>None.</p>\n"
        } else {
            out += "<ul>\n"
            for error in report.errors {
                let account = error.accountId.map { "account \(Self.text($0)), " } ?? ""
                out +=
                    "<li>\(account)\(Self.text(error.region)): \(Self.text(error.operation)) failed: \(Self.text(error.code)): "
                    + "\(Self.text(error.message))</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</section>\n"
    }

    // MARK: - Escaping

    /// Text content: `&`, `<`, `>` escaped, control characters replaced.
    static func text(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in TextSanitizer.singleLine(value).unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A double-quoted attribute value (the same escapes cover quotes).
    static func attribute(_ value: String) -> String { text(value) }

    private static func cssClass(_ compliance: Compliance) -> String {
        switch compliance {
        case .compliant: "ok"
        case .nonCompliant: "bad"
        case .notApplicable: "na"
        case .insufficientData: "unknown"
        }
    }

    /// The order verdicts sort in: what needs action first.
    private static func rank(_ compliance: Compliance) -> Int {
        verdicts.firstIndex(of: compliance) ?? verdicts.count
    }

    // MARK: - Inline assets

    /// Nothing may be fetched: only the page's own inline style and script, and data: images.
    private static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

    private static let css = """
        :root{--ok:#1a7f37;--bad:#cf222e;--na:#8c959f;--unknown:#bf8700;font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
        body{margin:0 auto;max-width:1400px;padding:1rem 1.5rem;color:#1f2328;background:#fff}
        h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:1.6rem}h3{font-size:1.05rem}
        dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
        .cards{display:flex;flex-wrap:wrap;gap:.6rem}.card{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .9rem;min-width:8rem}
        .card .count{display:block;font-size:1.5rem;font-weight:700}.card .label{font-size:.8rem;color:#57606a}
        .card.ok{border-left:6px solid var(--ok)}.card.bad{border-left:6px solid var(--bad)}.card.na{border-left:6px solid var(--na)}
        .card.unknown{border-left:6px solid var(--unknown)}
        svg.chart{max-width:100%;height:auto;font-size:12px}svg rect.ok{fill:var(--ok)}svg rect.bad{fill:var(--bad)}
        svg rect.na{fill:var(--na)}svg rect.unknown{fill:var(--unknown)}
        table{border-collapse:collapse;width:100%;font-size:.88rem}
        th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
        #findings{table-layout:fixed}#findings tbody tr{content-visibility:auto;contain-intrinsic-size:auto 6rem}
        table.counts{width:auto}table.counts td{text-align:right}thead th{background:#f6f8fa;position:sticky;top:0}
        .js th[data-sort]{cursor:pointer;user-select:none}.js th[data-sort]::after{content:" \\2195";color:#8c959f}
        th[aria-sort=ascending]::after{content:" \\2191"!important}th[aria-sort=descending]::after{content:" \\2193"!important}
        .badge{display:inline-block;border-radius:10px;padding:0 .5rem;font-size:.75rem;font-weight:600;color:#fff;background:var(--na)}
        tr.ok .badge{background:var(--ok)}tr.bad .badge{background:var(--bad)}tr.unknown .badge{background:var(--unknown)}
        .badge.muted{background:#fff!important;color:#57606a;border:1px solid #8c959f}tr.suppressed td{opacity:.7}
        .arn{font-family:ui-monospace,monospace;font-size:.75rem;color:#57606a;word-break:break-all}
        td p{margin:0 0 .3rem}ul.evidence{margin:0;padding-left:1.1rem;color:#424a53}td.num{text-align:right}
        code{font-family:ui-monospace,monospace;font-size:.8rem;word-break:break-all}
        .fix{margin-top:.3rem;background:#f6f8fa;border-radius:4px;padding:.3rem .4rem}
        .copy{display:none;margin-left:.5rem;font-size:.75rem}.js .copy{display:inline-block}
        .controls{display:none;flex-wrap:wrap;gap:1rem;align-items:center;margin:.5rem 0}.js .controls{display:flex}
        @media print{.controls,.copy{display:none!important}}
        """

    // Plain ES5 with no network, no eval and no inline handlers: the CSP above allows exactly this.
    private static let script = #"""
        (function () {
          "use strict";
          document.documentElement.className = "js";
          var table = document.getElementById("findings");
          if (!table) { return; }
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          var texts = null;  // the rows' text, read on the first search only (20,000 rows load faster without it)
          var text = document.getElementById("filter-text");
          var verdict = document.getElementById("filter-verdict");
          var region = document.getElementById("filter-region");
          var account = document.getElementById("filter-account");
          var shown = document.getElementById("shown");
          function apply() {
            var needle = text.value.trim().toLowerCase(), v = verdict.value, r = region.value, a = account.value, count = 0;
            if (needle && !texts) { texts = rows.map(function (row) { return row.textContent.toLowerCase(); }); }
            for (var i = 0; i < rows.length; i++) {
              var row = rows[i];
              var match = (!v || row.getAttribute("data-verdict") === v) && (!r || row.getAttribute("data-region") === r) &&
                (!a || row.getAttribute("data-account") === a) && (!needle || texts[i].indexOf(needle) >= 0);
              row.hidden = !match;
              if (match) { count++; }
            }
            shown.textContent = count + " of " + rows.length + " findings shown";
          }
          [text, verdict, region, account].forEach(function (control) {
            control.addEventListener("input", apply);
            control.addEventListener("change", apply);
          });
          var headers = table.tHead.rows[0].cells;
          Array.prototype.forEach.call(headers, function (header, column) {
            var kind = header.getAttribute("data-sort");
            if (!kind) { return; }
            header.tabIndex = 0;
            function sort() {
              var ascending = header.getAttribute("aria-sort") !== "ascending";
              Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
              header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              var keyed = rows.map(function (row, index) {
                var cell = row.cells[column];
                var raw = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent;
                var key = kind === "number" ? (raw === "" ? Infinity : Number(raw)) : raw.toLowerCase();
                return { row: row, text: texts ? texts[index] : null, key: key, index: index };
              });
              keyed.sort(function (x, y) {
                if (x.key < y.key) { return ascending ? -1 : 1; }
                if (x.key > y.key) { return ascending ? 1 : -1; }
                return x.index - y.index;
              });
              var fragment = document.createDocumentFragment();
              rows = keyed.map(function (entry) { fragment.appendChild(entry.row); return entry.row; });
              if (texts) { texts = keyed.map(function (entry) { return entry.text; }); }
              body.appendChild(fragment);
            }
            header.addEventListener("click", sort);
            header.addEventListener("keydown", function (event) {
              if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
            });
          });
          body.addEventListener("click", function (event) {
            var button = event.target;
            if (!button || !button.classList || !button.classList.contains("copy")) { return; }
            var command = button.getAttribute("data-copy") || "";
            function done() { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
            function fallback() {
              var area = document.createElement("textarea");
              area.value = command;
              document.body.appendChild(area);
              area.select();
              try { document.execCommand("copy"); done(); } catch (ignored) { button.textContent = "Select and copy"; }
              document.body.removeChild(area);
            }
            if (navigator.clipboard && navigator.clipboard.writeText) {
              navigator.clipboard.writeText(command).then(done, fallback);
            } else {
              fallback();
            }
          });
        })();
        """#
}
