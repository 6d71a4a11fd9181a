/**
 * Cases where the evaluator used to answer differently from Microsoft's KQL documentation (issue 16):
 * a modulo is never negative, decimal arithmetic is exact to its digits, todatetime() parses the RFC
 * 822 and RFC 850 forms the datetime page lists, arg_max/arg_min over an all-null group still take
 * the other columns from a row, and make_set over arrays is the set of their elements.
 */
import { describe, expect, it } from "vitest";
import { rowsOf, value } from "./eval-helpers";

describe("scalar answers as Kusto gives them", () => {
    it("takes a modulo that is never negative", () => {
        expect(value("-5 % 3")).toBe(1);
        expect(value("5 % -3")).toBe(2);
        expect(value("5 % 3")).toBe(2);
        expect(value("-7.5 % 2.0")).toBe(0.5);
        expect(value("-6 % 3")).toBe(0);
    });
    it("adds decimals exactly: decimal(1.1) + decimal(2.2) is 3.3", () => {
        expect(value("decimal(1.1) + decimal(2.2)")).toBe(3.3);
        expect(value("decimal(0.1) * decimal(3)")).toBe(0.3);
        // Reals keep binary floating point, as Kusto's real does.
        expect(value("real(0.1) + real(0.2)")).toBe(0.1 + 0.2);
    });
    it("parses the RFC 822 and RFC 850 forms todatetime() documents, with and without day name, seconds and zone", () => {
        const at = Date.UTC(2014, 10, 8, 15, 5, 2);
        const atMinute = Date.UTC(2014, 10, 8, 15, 5, 0);
        expect(value('todatetime("Sat, 8 Nov 14 15:05:02 GMT")')).toBe(at);
        expect(value('todatetime("Sat, 8 Nov 14 15:05:02")')).toBe(at);
        expect(value('todatetime("Sat, 8 Nov 14 15:05")')).toBe(atMinute);
        expect(value('todatetime("8 Nov 14 15:05")')).toBe(atMinute);
        expect(value('todatetime("Saturday, 08-Nov-14 15:05:02 GMT")')).toBe(at);
        expect(value('todatetime("08-Nov-14 15:05:02")')).toBe(at);
        expect(value('todatetime("08-Nov-14 15:05")')).toBe(atMinute);
        expect(value('todatetime("8 Nov 14 16:05 +0100")')).toBe(atMinute);
        // Not a date: null, as before.
        expect(value('todatetime("8 Foo 14 15:05")')).toBeNull();
    });
});

describe("aggregate answers as Kusto gives them", () => {
    it("arg_max and arg_min over a group whose values are all null take the other columns from a row", () => {
        const data = 'datatable(k:string, v:long, s:string)["a", long(null), "x", "a", long(null), "y", "b", 2, "z"]';
        expect(rowsOf(`${data} | summarize arg_max(v, s) by k | order by k asc`)).toEqual([
            { k: "a", v: null, s: "x" },
            { k: "b", v: 2, s: "z" },
        ]);
        expect(rowsOf(`${data} | summarize arg_min(v, s) by k | order by k asc`)[0]).toEqual({ k: "a", v: null, s: "x" });
    });
    it("make_set over a column of arrays is the set of their elements", () => {
        expect(rowsOf("datatable(d:dynamic)[dynamic([1,2]), dynamic([2,3]), dynamic([3])] | summarize s = make_set(d)")).toEqual([{ s: [1, 2, 3] }]);
        expect(rowsOf('datatable(x:string)["a", "b", "a"] | summarize s = make_set(x)')).toEqual([{ s: ["a", "b"] }]);
    });
});

describe("joins as Kusto's documentation fixes them", () => {
    const T1 = 'let t1 = datatable(key:long, value:string)[1, "val1.1", 1, "val1.2"];';
    const T2 = 'let t2 = datatable(key:long, value:string)[1, "val1.3", 1, "val1.4"];';
    it("answers the default join of the innerunique page: the left side deduplicated, the first record kept", () => {
        const rows = rowsOf(`let X = datatable(Key:string, Value1:long)['a',1,'b',2,'b',3,'c',4]; let Y = datatable(Key:string, Value2:long)['b',10,'c',20,'c',30,'d',40]; X | join Y on Key`);
        expect(rows).toEqual([
            { Key: "b", Value1: 2, Key1: "b", Value2: 10 },
            { Key: "c", Value1: 4, Key1: "c", Value2: 20 },
            { Key: "c", Value1: 4, Key1: "c", Value2: 30 },
        ]);
    });
    it("refuses a filter right after an innerunique join, where Kusto's pushdown fixes a different answer, naming the construct", () => {
        expect(() => rowsOf(`${T1} ${T2} t1 | join kind=innerunique t2 on key | where value == "val1.2"`)).toThrow(/a filter right after an innerunique join/);
        expect(() => rowsOf(`${T1} ${T2} t1 | join t2 on key | where value == "val1.2"`)).toThrow(/a filter right after an innerunique join/);
        // With kind=inner there is no deduplication to reorder: answered.
        expect(rowsOf(`${T1} ${T2} t1 | join kind=inner t2 on key | where value == "val1.2"`)).toHaveLength(2);
    });
});

describe("additions that run Microsoft's documented examples (the kusto-docs corpus)", () => {
    it("range counts from start to stop by step, both ways, over numbers, datetimes and timespans", () => {
        expect(rowsOf("range x from 1 to 5 step 2")).toEqual([{ x: 1 }, { x: 3 }, { x: 5 }]);
        expect(rowsOf("range x from 5 to 1 step -2")).toEqual([{ x: 5 }, { x: 3 }, { x: 1 }]);
        expect(rowsOf("range x from 1 to 5 step -1")).toEqual([]);
        expect(() => rowsOf("range x from 1 to 5 step 0")).toThrow(/must not be the value: 0/); // the parser refuses it
        expect(rowsOf("range x from 0.1 to 0.5 step 0.1").map((r) => r.x)).toHaveLength(5);
        expect(rowsOf("range t from datetime(2024-01-01) to datetime(2024-01-02 12:00) step 1d")).toEqual([{ t: Date.UTC(2024, 0, 1) }, { t: Date.UTC(2024, 0, 2) }]);
        expect(rowsOf("range s from 1h to 3h step 1h | summarize total = sum(s / 1h)")).toEqual([{ total: 6 }]);
        expect(() => rowsOf("range x from 1 to 100000000 step 1")).toThrow(/would produce 100000000 rows/);
    });
    it("make_datetime builds a datetime from its parts, null when a part is out of range", () => {
        expect(value("make_datetime(2017, 10, 1, 12, 10, 30.5)")).toBe(Date.UTC(2017, 9, 1, 12, 10, 30, 500));
        expect(value("make_datetime(2016, 2, 29)")).toBe(Date.UTC(2016, 1, 29));
        expect(value("make_datetime(2017, 2, 29)")).toBeNull();
        expect(value("make_datetime(2017, 13, 1)")).toBeNull();
        expect(value("make_datetime(2017, 1, 1, 24, 0, 0)")).toBeNull();
        expect(value("make_datetime(2017, 1, 1, 0, 0, 60)")).toBeNull();
    });
    it("monthofyear is getmonth", () => {
        expect(value("monthofyear(datetime(2015-12-14))")).toBe(12);
    });
    it("indexof with length and occurrence gives the nine results of Microsoft's page", () => {
        const results = rowsOf(`print
            idx1 = indexof("abcdefg","cde"), idx2 = indexof("abcdefg","cde",1,4), idx3 = indexof("abcdefg","cde",1,2),
            idx4 = indexof("abcdefg","cde",3,4), idx5 = indexof("abcdefg","cde",-5), idx6 = indexof(1234567,5,1,4),
            idx7 = indexof("abcdefg","cde",2,-1), idx8 = indexof("abcdefgabcdefg", "cde", 1, 10, 2), idx9 = indexof("abcdefgabcdefg", "cde", 1, -1, 3)`)[0];
        expect(Object.values(results)).toEqual([2, 2, -1, -1, 2, 4, 2, 9, -1]);
        expect(value('indexof("abc", "b", 0, -2)')).toBeNull();
        expect(value('indexof("abc", "b", 0, -1, -1)')).toBeNull();
    });
    it("extract with typeof(T) converts the captured text, null without a match", () => {
        expect(value('extract("x=([0-9.]+)", 1, "hello x=45.6|wo", typeof(real))')).toBe(45.6);
        expect(value('extract("x=([0-9]+)", 1, "x=12", typeof(long))')).toBe(12);
        expect(value('extract("x=([0-9]+)", 1, "none", typeof(long))')).toBeNull();
        expect(value('extract("x=([0-9]+)", 1, "none", typeof(string))')).toBe("");
    });
    it("refuses datetime_diff by microsecond or nanosecond, which millisecond times cannot count exactly", () => {
        expect(() => value("datetime_diff('nanosecond', datetime(2017-10-30 23:00:00.0000000), datetime(2017-10-30 23:00:00.0000007))")).toThrow(/datetime_diff by nanosecond/);
        expect(() => value("datetime_diff('microsecond', datetime(2017-10-30 23:00:00.1009001), datetime(2017-10-30 23:00:00.1008009))")).toThrow(/datetime_diff by microsecond/);
    });
});
