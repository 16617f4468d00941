export declare const EXCLUSIVE: string[];
export declare const PAIRED: string[];
export declare const WAITING: string[];
export declare const NOT_IN_FIRST_PASS: string[];
