export declare const RUN_LAST: string[];
export declare const PREBUILD_NICE: number;
export declare function prebuildNice(value: string | undefined): number;
