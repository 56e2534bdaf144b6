// C0 controls, DEL and C1 controls: never part of a name, and some hops (headers, log
// viewers, terminals) act on them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export const hasControlCharacter = (value: string): boolean => CONTROL.test(value);
