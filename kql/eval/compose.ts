/**
 * Builders that combine compiled operands into a compiled expression, folding constants at
 * compile time and specializing the common one- and two-operand shapes so that per-row work is a
 * direct call without argument arrays.
 */
import { constant, type Compiled, type ScalarFn } from "./context";
import type { EvalValue, KustoType } from "./values";

/** Applies `f` to one operand; folds when the operand is constant. */
export function map1(a: Compiled, type: KustoType, f: (x: EvalValue) => EvalValue): Compiled {
    if (a.constant) return constant(f(a.value ?? null), type);
    const fa = a.fn;
    return { fn: (r, i, rs) => f(fa(r, i, rs)), type, constant: false, pure: a.pure === true };
}

/** Applies `f` to two operands; folds when both are constant and fixes a constant side. */
export function map2(a: Compiled, b: Compiled, type: KustoType, f: (x: EvalValue, y: EvalValue) => EvalValue): Compiled {
    if (a.constant && b.constant) return constant(f(a.value ?? null, b.value ?? null), type);
    const fa = a.fn;
    const fb = b.fn;
    const pure = allPure([a, b]);
    if (b.constant) {
        const vb = b.value ?? null;
        return { fn: (r, i, rs) => f(fa(r, i, rs), vb), type, constant: false, pure };
    }
    if (a.constant) {
        const va = a.value ?? null;
        return { fn: (r, i, rs) => f(va, fb(r, i, rs)), type, constant: false, pure };
    }
    return { fn: (r, i, rs) => f(fa(r, i, rs), fb(r, i, rs)), type, constant: false, pure };
}

/** Applies `f` to any number of operands (evaluated left to right); folds when all are constant. */
export function mapN(args: readonly Compiled[], type: KustoType, f: (values: EvalValue[]) => EvalValue): Compiled {
    if (args.every((a) => a.constant)) return constant(f(args.map((a) => a.value ?? null)), type);
    const fns: ScalarFn[] = args.map((a) => a.fn);
    return {
        fn: (r, i, rs) => {
            const values = new Array<EvalValue>(fns.length);
            for (let k = 0; k < fns.length; k++) values[k] = fns[k](r, i, rs);
            return f(values);
        },
        type,
        constant: false,
        pure: allPure(args),
    };
}

/** Whether every operand depends only on its row (see {@link Compiled.pure}). */
export function allPure(args: readonly Compiled[]): boolean {
    return args.every((a) => a.pure === true);
}

/** Like {@link map1} for functions that are null when their operand is null. */
export function strict1(a: Compiled, type: KustoType, f: (x: NonNullable<EvalValue>) => EvalValue): Compiled {
    return map1(a, type, (x) => (x === null ? null : f(x)));
}

/** Like {@link map2} for functions that are null when either operand is null. */
export function strict2(a: Compiled, b: Compiled, type: KustoType, f: (x: NonNullable<EvalValue>, y: NonNullable<EvalValue>) => EvalValue): Compiled {
    return map2(a, b, type, (x, y) => (x === null || y === null ? null : f(x, y)));
}

/** A compiled expression whose value changes between runs but not between rows (e.g. `now()`); never folded. */
export function perRunValue(type: KustoType, read: () => EvalValue): Compiled {
    return { fn: () => read(), type, constant: false };
}
