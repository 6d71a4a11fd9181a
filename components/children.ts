/**
 * Values a component keeps beside itself rather than as properties: its child components and the
 * plain TypeScript details it resolved (a drop alert's condition, a hub's resolved rules). The
 * component provider host turns every property of a component class into a schema output, and a
 * component class or a TypeScript-only type is not something it can serve to other languages;
 * TypeScript users still reach these values through the component's getters.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One kind of kept values, keyed by the component that owns them (a WeakMap: they go with it). */
export class KeptBeside<T extends object> {
    private readonly byOwner = new WeakMap<pulumi.ComponentResource, T>();

    /** Keeps `values` beside `owner`; called once, in the owner's constructor. */
    keep(owner: pulumi.ComponentResource, values: T): void {
        this.byOwner.set(owner, values);
    }

    /** The values kept beside `owner`. */
    of(owner: pulumi.ComponentResource): T {
        const values = this.byOwner.get(owner);
        if (values === undefined) throw new Error("read before the component's constructor kept its values");
        return values;
    }
}
