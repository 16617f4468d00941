// What a bridge decides for one input: a FAILED or PASSED report from a given source.
export interface BridgeReport {
  source_id: string;
  code: string;
  passed: boolean;
  severity: number;
  description: string;
}
