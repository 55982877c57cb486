// The wire values live in @orrery/protocol; this module stays for imports of the old path.
export { base64ToBytes, bytesToBase64, fromWire, toWire, type WireValue } from "@orrery/protocol";
