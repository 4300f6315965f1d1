import Foundation
#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// A write that failed: the target, and the system's reason. Never a trap.
struct OutputError: Error, CustomStringConvertible {
    /// What was being written ("standard output", "--output report.json").
    var target: String
    /// The `errno` of the failure (ENOSPC, EBADF, EPIPE, EACCES…), or 0 for a failure that has none.
    var code: Int32
    /// What went wrong, in words.
    var reason: String

    init(target: String, code: Int32, reason: String? = nil) {
        self.target = target
        self.code = code
        self.reason = reason ?? String(cString: strerror(code))
    }

    /// The reader went away (`| head`): not an error to report, the command ends quietly.
    var isBrokenPipe: Bool { code == EPIPE }

    var description: String { "cannot write \(target): \(reason)" }
}

/// Raw, checked writes on file descriptors, and the rules for `--output` and `--change-log` files.
///
/// The rules (Docs/security.md, "Output files"):
/// - **Symbolic links are followed**, for both options: the file a link points to is written, and the
///   link stays. A dangling link is an error.
/// - **A regular file is replaced atomically**: the report is written to a new file in the same
///   directory, synced, given the old file's mode (and, as root, its owner), then renamed over it. A
///   reader never sees half a report, and replacing a 0600 report leaves a 0600 report.
/// - **Anything else is written in place**: a character device (`/dev/null`, a terminal), a FIFO, or
///   standard output or error named as `/dev/stdout`, `/dev/stderr` or `/dev/fd/N`. Nothing is
///   replaced, so `--output /dev/stdout` prints.
/// - **A new file** is created with mode 0666 less the umask, like a shell redirection.
/// - Every failure (ENOSPC, EBADF, EPIPE, EACCES, EISDIR…) is an ``OutputError``, never a trap.
enum OutputFile {
    /// The standard descriptors (0, 1, 2) that were closed when the process started (`>&-`). Each is
    /// taken by `/dev/null` so that no file the process opens later lands on it (a report written "to
    /// standard output" would otherwise go into whatever file took descriptor 1), and writing to it is
    /// refused with EBADF, as if it were still closed. Evaluated first thing in `main`.
    static let closedAtStart: Set<Int32> = {
        var closed: Set<Int32> = []
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            closed.insert(fd)
            let placeholder = open("/dev/null", O_RDWR)
            if placeholder >= 0 && placeholder != fd {
                _ = dup2(placeholder, fd)
                close(placeholder)
            }
        }
        return closed
    }()

    /// Writes all of `data` to `fd`, retrying after EINTR and short writes.
    /// - Throws: ``OutputError`` with the `errno`.
    static func writeAll(_ data: Data, to fd: Int32, target: String) throws(OutputError) {
        if closedAtStart.contains(fd) { throw OutputError(target: target, code: EBADF) }
        var failure: Int32 = 0
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var pointer = buffer.baseAddress else { return }
            var left = buffer.count
            while left > 0 {
                let written = systemWrite(fd, pointer, left)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if written == 0 {
                    failure = EIO
                    return
                }
                pointer += written
                left -= written
            }
        }
        if failure != 0 { throw OutputError(target: target, code: failure) }
    }

    /// Runs `body` with `text`'s UTF-8 bytes as `Data`, without copying them: a report of a hundred megabytes
    /// is written from the string it was rendered into, not from a copy of it. The `Data` is valid in `body` only.
    static func withUTF8Data(of text: String, _ body: (Data) throws(OutputError) -> Void) throws(OutputError) {
        var text = text
        var failure: OutputError?
        text.withUTF8 { buffer in
            let data =
                buffer.baseAddress.map { Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: buffer.count, deallocator: .none) }
                ?? Data()
            do throws(OutputError) { try body(data) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// The descriptor a path names directly, for `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and
    /// `/proc/self/fd/N`: these are written in place, never replaced.
    static func inheritedDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        case "/dev/stdin": return 0
        default: break
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            return Int32(path.dropFirst(prefix.count))
        }
        return nil
    }

    /// Writes a whole report to `path` following the rules above.
    /// - Throws: ``OutputError``.
    static func write(_ data: Data, to path: String, option: String = "--output") throws(OutputError) {
        let target = "\(option) \(path)"
        if let fd = inheritedDescriptor(path) {
            try writeAll(data, to: fd, target: target)
            return
        }
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFREG {
                try replace(resolved(path, target: target), with: data, keeping: info, target: target)
            } else if (info.st_mode & S_IFMT) == S_IFDIR {
                throw OutputError(target: target, code: EISDIR)
            } else {
                try writeInPlace(data, path: path, target: target)
            }
            return
        }
        let statError = errno
        var linkInfo = stat()
        if lstat(path, &linkInfo) == 0 {
            throw OutputError(target: target, code: statError, reason: "it is a symbolic link to a file that does not exist")
        }
        guard statError == ENOENT else { throw OutputError(target: target, code: statError) }
        try replace(path, with: data, keeping: nil, target: target)
    }

    /// Opens a file for appending (the change log), creating it with mode 0666 less the umask. Links are
    /// followed; devices and FIFOs are opened as they are.
    /// - Returns: The open descriptor.
    /// - Throws: ``OutputError``.
    static func openForAppending(_ path: String, option: String) throws(OutputError) -> Int32 {
        if let fd = inheritedDescriptor(path) {
            let copy = dup(fd)
            guard copy >= 0 else { throw OutputError(target: "\(option) \(path)", code: errno) }
            return copy
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw OutputError(target: "\(option) \(path)", code: errno) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw OutputError(target: "\(option) \(path)", code: EISDIR)
        }
        return fd
    }

    /// Whether `fd` is a regular file (worth an `fsync`).
    static func isRegularFile(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    private static func resolved(_ path: String, target: String) throws(OutputError) -> String {
        guard let pointer = realpath(path, nil) else { throw OutputError(target: target, code: errno) }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private static func writeInPlace(_ data: Data, path: String, target: String) throws(OutputError) {
        let fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError(target: target, code: errno) }
        defer { close(fd) }
        try writeAll(data, to: fd, target: target)
    }

    /// Writes a new file beside `path` and renames it over `path`.
    private static func replace(_ path: String, with data: Data, keeping old: stat?, target: String) throws(OutputError) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).\(UUID().uuidString.prefix(8)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw OutputError(target: target, code: errno) }
        var closed = false
        do throws(OutputError) {
            if let old {
                if geteuid() == 0 { _ = fchown(fd, old.st_uid, old.st_gid) }
                guard fchmod(fd, old.st_mode & 0o7777) == 0 else { throw OutputError(target: target, code: errno) }
            }
            try writeAll(data, to: fd, target: target)
            guard fsync(fd) == 0 else { throw OutputError(target: target, code: errno) }
            closed = true
            guard close(fd) == 0 else { throw OutputError(target: target, code: errno) }
            guard rename(temporary, path) == 0 else { throw OutputError(target: target, code: errno) }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
    }
}
