// What a bridge decides for one input: a FAILED or PASSED report from a given source.
export interface BridgeReport {
  source_id: string;
  code: string;
  passed: boolean;
  severity: number;
  description: string;
  /**
   * A provisional source this report's `source_id` replaces on the fault (the action bridge reports before
   * discovery names the action server, then again under the server's FQN once it is known).
   */
  supersedes?: string;
}
