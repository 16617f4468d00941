export declare const RUN_LAST: string[];
export declare const RUN_LAST_LONGEST_FIRST: string[];
export declare function lastFilesOrder<T = string>(files: T[], pathOf?: (f: T) => string): T[];
export declare const PREBUILD_NICE: number;
export declare function prebuildNice(value: string | undefined): number;
export declare const MAX_TEST_RETRY: number;
export declare function testRetries(value: string | undefined, givenFiles: boolean): number;
