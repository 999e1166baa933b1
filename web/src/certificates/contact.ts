import { type ContactPerson } from "../../../shared/domain/certificates/index.ts";
import { db } from "../state.ts";
import * as flows from "./flows.ts";

/** The person who answers the Sở about a request or an incident: the saved contact, else the signed-in person. */
export async function contactOf(): Promise<ContactPerson> {
  const me = await flows.currentPerson(db);
  const s = (await db.meta.get("contact"))?.value as Partial<ContactPerson> | undefined;
  return {
    fullName: s?.fullName ?? me.name,
    title: s?.title ?? me.title ?? "",
    phone: s?.phone ?? "",
    email: s?.email ?? "",
    idNumber: s?.idNumber,
    address: s?.address,
  };
}
