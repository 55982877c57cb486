// The protocol lives in @orrery/protocol; this subpath stays for code that imported it here.
export * from "@orrery/protocol";
