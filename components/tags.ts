/**
 * Resource tags as the components take them (Pulumi inputs), checked against Azure's tag limits
 * (`LIMITS`.tags) as far as they are known before deployment.
 */
import * as pulumi from "@pulumi/pulumi";
import { citeLimit, LIMITS } from "../azure/limits";
import { tagProblems, ValidationError } from "../azure/validation";

/** Tags of a created resource: names to values, either of which may be a Pulumi input. */
export type TagsInput = pulumi.Input<Record<string, pulumi.Input<string>>>;

/**
 * Requires tags within Azure's limits: at most 50, names of 1-512 characters without `<>%&\?/`,
 * values of at most 256 characters. A plain object is checked whole; a value that is an output or
 * promise is known only at deployment and is checked for its name alone; tags given as one
 * output are left to Azure. `field` prefixes the error path.
 */
export function requireTagsInput(field: string, tags: TagsInput | undefined): void {
    if (tags === undefined || pulumi.Output.isInstance(tags) || tags instanceof Promise) return;
    if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
        throw new ValidationError(field, tags, `allowed: an object of tag names and string values ${citeLimit(LIMITS.tags)}`);
    }
    const known: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(tags)) known[key] = pulumi.Output.isInstance(value) || value instanceof Promise ? "" : value;
    const problems = tagProblems(known);
    if (problems.length > 0) {
        const p = problems[0];
        throw new ValidationError(p.key === undefined ? field : `${field}.${p.key}`, p.shown, `${p.message} ${citeLimit(LIMITS.tags)}`);
    }
}
