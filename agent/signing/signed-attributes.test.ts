import { describe, expect, it } from "vitest";
import * as asn1js from "asn1js";
import { signedAttributesProblem } from "./signed-attributes.ts";
import { fakeSignedAttributes } from "../../test/agent/helpers.ts";

const attr = (oid: string, value: asn1js.AsnType) =>
  new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.Set({ value: [value] })] });
const der = (...attrs: asn1js.Sequence[]) => new Uint8Array(new asn1js.Set({ value: attrs }).toBER());
const ct = attr("1.2.840.113549.1.9.3", new asn1js.ObjectIdentifier({ value: "1.2.840.113549.1.7.1" }));
const md = attr("1.2.840.113549.1.9.4", new asn1js.OctetString({ valueHex: new Uint8Array(32).fill(7).buffer }));

describe("signedAttributesProblem", () => {
  it("accepts CMS signed attributes", () => {
    expect(signedAttributesProblem(der(ct, md))).toBeUndefined();
    expect(signedAttributesProblem(fakeSignedAttributes(3))).toBeUndefined();
  });
  it("refuses arbitrary bytes, a bare SET, missing or doubled attributes, trailing bytes", () => {
    expect(signedAttributesProblem(new TextEncoder().encode("hello"))).toMatch(/SET/);
    expect(signedAttributesProblem(Uint8Array.of(0x31, 0x03, 0x04, 0x01, 0x00))).toMatch(/SEQUENCE/);
    expect(signedAttributesProblem(der(ct))).toMatch(/message-digest/);
    expect(signedAttributesProblem(der(md))).toMatch(/content-type/);
    expect(signedAttributesProblem(der(ct, md, md))).toMatch(/twice/);
    expect(signedAttributesProblem(Uint8Array.of(...der(ct, md), 0))).toMatch(/trailing/);
    expect(signedAttributesProblem(der(ct, attr("1.2.840.113549.1.9.4", new asn1js.OctetString({ valueHex: new Uint8Array(4).buffer }))))).toMatch(/digest/);
  });
});
