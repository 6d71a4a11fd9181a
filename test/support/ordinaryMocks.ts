/**
 * Test support (not a test): the plain Pulumi mocks a user writes for their own tests (ids
 * `<name>-id`, state = inputs, calls echo their inputs), recording every resource registered.
 */
import * as pulumi from "@pulumi/pulumi";

/** A resource the mocks saw registered. */
export interface MadeResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

/** Installs the ordinary mocks for `project`/`stack` and returns the list every registration is appended to. */
export async function installOrdinaryMocks(project: string, stack: string): Promise<MadeResource[]> {
    const made: MadeResource[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                made.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        project,
        stack,
        false,
    );
    return made;
}
