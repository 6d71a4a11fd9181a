/**
 * Why a file could not be read, in words a user acts on: shared by the readers of stack files and
 * log exports, so both name the same causes the same way.
 */

/** A short reason for a failed open or read: no such file, a folder, no permission, or the system's own message. */
export function whyUnreadable(e: unknown): string {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENOENT") return "no such file";
    if (code === "EISDIR" || (e instanceof Error && e.message === "not a file")) return "it is not a regular file (a folder, pipe or device)";
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    return e instanceof Error ? e.message.split("\n")[0] : String(e);
}
