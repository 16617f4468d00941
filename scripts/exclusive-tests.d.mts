export declare const EXCLUSIVE: string[];
export declare const PAIRED: string[];
export declare const WAITING: string[];
