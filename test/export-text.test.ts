import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { csvRecords, LogFileError, textChunks, textLines } from "../replay/exportText";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "export-text-"));

/** `text` cut into chunks at `cuts` (sorted offsets). */
function cut(text: string, ...cuts: number[]): string[] {
    const bounds = [0, ...cuts, text.length];
    return bounds.slice(1).map((end, i) => text.slice(bounds[i], end));
}

describe("CSV records across chunks", () => {
    const text = 'a,b\r\n1,"x,""y"""\r\n2,"multi\nline"\n\n3,ok\r\n"open,4\n';
    const whole = [...csvRecords(text)];
    it("reads the whole text as RFC 4180 says, with each record's first line and the unclosed quote as an error", () => {
        expect(whole).toEqual([
            { line: 1, fields: ["a", "b"], error: undefined },
            { line: 2, fields: ["1", 'x,"y"'], error: undefined },
            { line: 3, fields: ["2", "multi\nline"], error: undefined },
            { line: 6, fields: ["3", "ok"], error: undefined },
            { line: 7, fields: ["open,4\n"], error: "a quoted field is not closed before the end of the file (lines 7 to 8 were read as this one record)" },
        ]);
    });
    it("reads the same records wherever one cut falls: inside a doubled quote, between \\r and \\n, inside a quoted newline", () => {
        for (let at = 1; at < text.length; at++) expect([...csvRecords(cut(text, at))], `cut at ${at}`).toEqual(whole);
    });
    it("reads the same records from one-character chunks", () => {
        expect([...csvRecords(text.split(""))]).toEqual(whole);
    });
    it("flags a quote inside an unquoted field, keeps it as a character, and reads the next lines as records", () => {
        expect([...csvRecords('a,b"c\n1,2\n3,4\n')]).toEqual([
            { line: 1, fields: ["a", 'b"c'], error: "a quote inside an unquoted field (column 2)" },
            { line: 2, fields: ["1", "2"], error: undefined },
            { line: 3, fields: ["3", "4"], error: undefined },
        ]);
    });
    it("flags text after a closing quote", () => {
        expect([...csvRecords('"a"b,c\n')][0].error).toBe("text after the closing quote of a quoted field (column 1)");
    });
});

describe("lines across chunks", () => {
    it("numbers lines from 1, joins a line cut in two, and keeps a last line without a newline", () => {
        expect([...textLines(["{\"a\":1}\n{\"b\"", ":2}\n\nlast"])]).toEqual([
            { line: 1, text: '{"a":1}' },
            { line: 2, text: '{"b":2}' },
            { line: 3, text: "" },
            { line: 4, text: "last" },
        ]);
    });
});

describe("reading a file in chunks", () => {
    it("returns the file's text, byte-order mark dropped, with multi-byte characters intact across 4 MB reads", () => {
        // 3-byte characters: 4 MB is not a multiple of 3, so a read boundary falls inside one.
        const body = "é€a".repeat(1_500_000) + "\n";
        const file = path.join(tmp, "big.txt");
        fs.writeFileSync(file, "\uFEFF" + body, "utf8");
        const chunks = [...textChunks(file)];
        expect(chunks.length).toBeGreaterThan(1);
        expect(chunks.join("")).toBe(body);
    });
    it("refuses a missing file or a folder when opened, naming it", () => {
        expect(() => textChunks(path.join(tmp, "absent.jsonl"))).toThrow(LogFileError);
        expect(() => textChunks(tmp)).toThrow(`${tmp}: cannot be read`);
    });
});
