/** Pulumi.max.yaml against Azure's REST API specs (one stack per file: the mock runtime is process-global). */
import { describeStackConformance } from "./support/azureConformance";

describeStackConformance("max");
