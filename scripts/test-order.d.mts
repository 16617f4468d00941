export declare const RUN_LAST: string[];
export declare const PREBUILD_NICE: number;
