import { openVanthuDb } from "./db/schema.ts";
import type { OfficeProfile } from "./db/registers.ts";
import type { OfficeRole } from "../../shared/domain/index.ts";
import type { OfficeKind, Role, SessionInfo } from "../../shared/sync/schemas.ts";

/** The one database of this origin. */
export const db = openVanthuDb();

/**
 * Who works on this device and for which office. The office, the person and the roles are the
 * server account's (the signed-in session), never typed here; only the device's own settings
 * (the office's symbol as printed in numbers, the parent body, the person's title) are kept locally.
 */
export interface UserProfile extends OfficeProfile {
  userName: string;
  userTitle: string;
  /** The signing capacity the roles give: a leader signs as the official, everyone else as the office. */
  role: OfficeRole;
  roles: Role[];
  officeKind: OfficeKind | undefined;
  signedIn: boolean;
  /** A first or reset password: the server accepts nothing but changing it (session/password-change.tsx). */
  mustChangePassword: boolean;
}

/** What the person may set on this device. */
export interface DeviceSettings {
  symbol: string;
  parentName?: string;
  userTitle: string;
}

const DEFAULT_SETTINGS: DeviceSettings = { symbol: "UBND", parentName: "Ủy ban nhân dân thành phố Hải Phòng", userTitle: "" };

export async function loadDeviceSettings(): Promise<DeviceSettings> {
  const row = (await db.meta.get("profile"))?.value as Partial<DeviceSettings> | undefined;
  return {
    symbol: row?.symbol || DEFAULT_SETTINGS.symbol,
    parentName: row?.parentName ?? DEFAULT_SETTINGS.parentName,
    userTitle: row?.userTitle ?? DEFAULT_SETTINGS.userTitle,
  };
}

export async function saveDeviceSettings(p: DeviceSettings): Promise<void> {
  await db.meta.put({ key: "profile", value: { symbol: p.symbol, parentName: p.parentName, userTitle: p.userTitle } });
}

export function profileOf(session: SessionInfo | undefined, settings: DeviceSettings): UserProfile {
  const roles = session?.user.roles ?? [];
  return {
    ...settings,
    name: session?.office.name ?? "",
    userName: session?.user.fullName ?? "",
    role: roles.includes("leader") ? "official" : "clerk",
    roles,
    officeKind: session?.office.kind,
    signedIn: Boolean(session),
    mustChangePassword: Boolean(session?.mustChangePassword),
  };
}

export async function loadProfile(): Promise<UserProfile> {
  return profileOf((await db.meta.get("session"))?.value as SessionInfo | undefined, await loadDeviceSettings());
}

// The signals every screen shares live in ui/signals.ts (no database code), so that the sign-in screen can use them alone.
export { messageOf, notify, notifyFailure, online, toast } from "./ui/signals.ts";
