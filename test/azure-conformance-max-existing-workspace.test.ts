/** Pulumi.max-existing-workspace.yaml against Azure's REST API specs and the limits table (one stack per file: the mock runtime is process-global). */
import { describeStackConformance } from "./support/azureConformance";

describeStackConformance("max-existing-workspace");
