/**
 * The KQL constructs the evaluator claims (kql/eval/README.md, "Supported KQL") and the reference
 * pages of Microsoft's KQL documentation (MicrosoftDocs/dataexplorer-docs,
 * `data-explorer/kusto/query/`) that document each of them. `scripts/vendor-kusto-docs.ts` reads
 * these pages' examples into the corpus; `test/kusto-docs-corpus.test.ts` counts the corpus per
 * construct and checks that every scalar function and aggregate the evaluator implements is listed.
 *
 * Keys are `kind:name`: `statement:`, `source:`, `operator:` (tabular), `scalar:` (scalar operators),
 * `function:` (scalar functions) and `aggregate:`. A function's aliases share its page.
 */

/** The directory of the reference pages inside the repository. */
export const KUSTO_DOCS_DIR = "data-explorer/kusto/query";

/** Claimed construct -> its reference pages (file names in {@link KUSTO_DOCS_DIR}). */
export const CONSTRUCT_PAGES: Readonly<Record<string, readonly string[]>> = {
    "statement:let": ["let-statement.md"],
    "function:materialize": ["materialize-function.md"],
    "function:toscalar": ["toscalar-function.md"],
    "source:datatable": ["datatable-operator.md"],
    "source:print": ["print-operator.md"],
    "source:range": ["range-operator.md"],

    "operator:where": ["where-operator.md"],
    "operator:extend": ["extend-operator.md"],
    "operator:project": ["project-operator.md"],
    "operator:project-away": ["project-away-operator.md"],
    "operator:project-keep": ["project-keep-operator.md"],
    "operator:project-rename": ["project-rename-operator.md"],
    "operator:project-reorder": ["project-reorder-operator.md"],
    "operator:summarize": ["summarize-operator.md"],
    "operator:join": ["join-operator.md"],
    "operator:join kind=innerunique": ["join-innerunique.md"],
    "operator:join kind=inner": ["join-inner.md"],
    "operator:join kind=leftouter": ["join-leftouter.md"],
    "operator:join kind=rightouter": ["join-rightouter.md"],
    "operator:join kind=fullouter": ["join-fullouter.md"],
    "operator:join kind=leftsemi": ["join-leftsemi.md"],
    "operator:join kind=leftanti": ["join-leftanti.md"],
    "operator:join kind=rightsemi": ["join-rightsemi.md"],
    "operator:join kind=rightanti": ["join-rightanti.md"],
    "operator:order by/sort by": ["sort-operator.md"],
    "operator:top": ["top-operator.md"],
    "operator:take/limit": ["take-operator.md"],
    "operator:distinct": ["distinct-operator.md"],
    "operator:serialize": ["serialize-operator.md"],
    "operator:count": ["count-operator.md"],

    "scalar:+ - * / %": ["numerical-operators.md", "datetime-timespan-arithmetic.md"],
    "scalar:and/or": ["logical-operators.md"],
    "scalar:==": ["equals-cs-operator.md"],
    "scalar:!=": ["not-equals-cs-operator.md"],
    "scalar:=~": ["equals-operator.md"],
    "scalar:!~": ["not-equals-operator.md"],
    "scalar:has": ["has-operator.md"],
    "scalar:!has": ["not-has-operator.md"],
    "scalar:has_cs": ["has-cs-operator.md"],
    "scalar:!has_cs": ["not-has-cs-operator.md"],
    "scalar:hasprefix": ["hasprefix-operator.md", "hasprefix-cs-operator.md", "not-hasprefix-operator.md", "not-hasprefix-cs-operator.md"],
    "scalar:hassuffix": ["hassuffix-operator.md", "hassuffix-cs-operator.md", "not-hassuffix-operator.md", "not-hassuffix-cs-operator.md"],
    "scalar:contains": ["contains-operator.md", "contains-cs-operator.md", "not-contains-operator.md", "not-contains-cs-operator.md"],
    "scalar:startswith": ["startswith-operator.md", "startswith-cs-operator.md", "not-startswith-operator.md", "not-startswith-cs-operator.md"],
    "scalar:endswith": ["endswith-operator.md", "endswith-cs-operator.md", "not-endswith-operator.md", "not-endswith-cs-operator.md"],
    "scalar:matches regex": ["matches-regex-operator.md"],
    "scalar:in": ["in-cs-operator.md"],
    "scalar:!in": ["not-in-cs-operator.md"],
    "scalar:in~": ["in-operator.md"],
    "scalar:!in~": ["not-in-operator.md"],
    "scalar:between": ["between-operator.md"],
    "scalar:!between": ["not-between-operator.md"],
    "scalar:has_any": ["has-any-operator.md"],
    "scalar:has_all": ["has-all-operator.md"],
    "scalar:string operators": ["datatypes-string-operators.md"],

    "function:tostring": ["tostring-function.md"],
    "function:todouble/toreal": ["toreal-function.md"],
    "function:toint": ["toint-function.md"],
    "function:tolong": ["tolong-function.md"],
    "function:tobool/toboolean": ["tobool-function.md"],
    "function:todatetime/totime": ["todatetime-function.md"],
    "function:totimespan": ["totimespan-function.md"],
    "function:parse_json/todynamic": ["parse-json-function.md"],
    "function:strcat": ["strcat-function.md"],
    "function:strcat_delim": ["strcat-delim-function.md"],
    "function:strlen": ["strlen-function.md"],
    "function:tolower": ["tolower-function.md"],
    "function:toupper": ["toupper-function.md"],
    "function:substring": ["substring-function.md"],
    "function:split": ["split-function.md"],
    "function:indexof": ["indexof-function.md"],
    "function:extract": ["extract-function.md"],
    "function:trim": ["trim-function.md"],
    "function:trim_start": ["trim-start-function.md"],
    "function:trim_end": ["trim-end-function.md"],
    "function:replace_string": ["replace-string-function.md"],
    "function:isempty": ["isempty-function.md"],
    "function:isnotempty": ["isnotempty-function.md"],
    "function:isnull": ["isnull-function.md"],
    "function:isnotnull": ["isnotnull-function.md"],
    "function:coalesce": ["coalesce-function.md"],
    "function:iff/iif": ["iff-function.md"],
    "function:case": ["case-function.md"],
    "function:not": ["not-function.md"],
    "function:abs": ["abs-function.md"],
    "function:sqrt": ["sqrt-function.md"],
    "function:exp": ["exp-function.md"],
    "function:log": ["log-function.md"],
    "function:log10": ["log10-function.md"],
    "function:log2": ["log2-function.md"],
    "function:ceiling": ["ceiling-function.md"],
    "function:sign": ["sign-function.md"],
    "function:pow": ["pow-function.md"],
    "function:round": ["round-function.md"],
    "function:bin/floor": ["bin-function.md"],
    "function:bin_at": ["bin-at-function.md"],
    "function:max_of": ["max-of-function.md"],
    "function:min_of": ["min-of-function.md"],
    "function:now": ["now-function.md"],
    "function:ago": ["ago-function.md"],
    "function:ingestion_time": ["ingestion-time-function.md"],
    "function:datetime_diff": ["datetime-diff-function.md"],
    "function:datetime_add": ["datetime-add-function.md"],
    "function:startofday": ["startofday-function.md"],
    "function:startofweek": ["startofweek-function.md"],
    "function:startofmonth": ["startofmonth-function.md"],
    "function:startofyear": ["startofyear-function.md"],
    "function:dayofweek": ["day-of-week-function.md"],
    "function:hourofday": ["hour-of-day-function.md"],
    "function:dayofmonth": ["day-of-month-function.md"],
    "function:getmonth/monthofyear": ["monthofyear-function.md"],
    "function:make_datetime": ["make-datetime-function.md"],
    "function:getyear": ["getyear-function.md"],
    "function:unixtime_seconds_todatetime": ["unixtime-seconds-todatetime-function.md"],
    "function:unixtime_milliseconds_todatetime": ["unixtime-milliseconds-todatetime-function.md"],
    "function:array_length": ["array-length-function.md"],
    "function:pack_array": ["pack-array-function.md"],
    "function:bag_pack/pack": ["pack-function.md"],
    "function:array_index_of": ["array-index-of-function.md"],
    "function:set_has_element": ["set-has-element-function.md"],
    "function:prev": ["prev-function.md"],
    "function:next": ["next-function.md"],
    "function:row_number": ["row-number-function.md"],

    "aggregate:count": ["count-aggregation-function.md"],
    "aggregate:countif": ["countif-aggregation-function.md"],
    "aggregate:dcount": ["dcount-aggregation-function.md"],
    "aggregate:dcountif": ["dcountif-aggregation-function.md"],
    "aggregate:count_distinct": ["count-distinct-aggregation-function.md"],
    "aggregate:count_distinctif": ["count-distinctif-aggregation-function.md"],
    "aggregate:sum": ["sum-aggregation-function.md"],
    "aggregate:sumif": ["sumif-aggregation-function.md"],
    "aggregate:avg": ["avg-aggregation-function.md"],
    "aggregate:avgif": ["avgif-aggregation-function.md"],
    "aggregate:min": ["min-aggregation-function.md"],
    "aggregate:max": ["max-aggregation-function.md"],
    "aggregate:minif": ["minif-aggregation-function.md"],
    "aggregate:maxif": ["maxif-aggregation-function.md"],
    "aggregate:take_any/any": ["take-any-aggregation-function.md"],
    "aggregate:take_anyif/anyif": ["take-anyif-aggregation-function.md"],
    "aggregate:make_set": ["make-set-aggregation-function.md"],
    "aggregate:make_set_if": ["make-set-if-aggregation-function.md"],
    "aggregate:make_list": ["make-list-aggregation-function.md"],
    "aggregate:make_list_if": ["make-list-if-aggregation-function.md"],
    "aggregate:stdev": ["stdev-aggregation-function.md"],
    "aggregate:stdevif": ["stdevif-aggregation-function.md"],
    "aggregate:stdevp": ["stdevp-aggregation-function.md"],
    "aggregate:variance": ["variance-aggregation-function.md"],
    "aggregate:varianceif": ["varianceif-aggregation-function.md"],
    "aggregate:variancep": ["variancep-aggregation-function.md"],
    "aggregate:percentile/percentiles": ["percentiles-aggregation-function.md"],
    "aggregate:arg_max": ["arg-max-aggregation-function.md"],
    "aggregate:arg_min": ["arg-min-aggregation-function.md"],
};

/** The names a construct key stands for: `function:iff/iif` -> `["iff", "iif"]`. */
export function constructNames(key: string): string[] {
    const name = key.slice(key.indexOf(":") + 1);
    return name.split("/");
}

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A rough textual test of whether a query uses a construct (for the corpus report's "used in any
 * case" count, not for attribution by page): `| where`, `name(`, ` has `, ... Undefined for the
 * arithmetic operators and the string-operator overview, which text cannot tell apart.
 */
export function constructPattern(key: string): RegExp | undefined {
    const kind = key.slice(0, key.indexOf(":"));
    const names = constructNames(key).map(escape);
    const alt = names.join("|");
    switch (kind) {
        case "statement":
            return /\blet\s+[\w[\]'"]+\s*=/;
        case "source":
            return key === "source:range" ? /\brange\s+\w+\s+from\b/ : new RegExp(`\\b(${alt})\\b`);
        case "operator": {
            const join = /^join kind=(\w+)$/.exec(constructNames(key)[0]);
            if (join) {
                const kindRe = `join\\s+kind\\s*=\\s*${join[1]}\\b`;
                return new RegExp(join[1] === "innerunique" ? `${kindRe}|\\|\\s*join\\s+(?!kind)` : kindRe);
            }
            return new RegExp(`\\|\\s*(${alt})(?![\\w-])`);
        }
        case "function":
        case "aggregate":
            return new RegExp(`(?<![\\w.])(${alt})\\s*\\(`);
        case "scalar":
            if (key === "scalar:+ - * / %" || key === "scalar:string operators") return undefined;
            if (key === "scalar:and/or") return /\s(and|or)\s/;
            return new RegExp(`(^|[\\s)\\]])(${alt})(?=[\\s(])`);
        default:
            return undefined;
    }
}
