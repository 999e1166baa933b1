/**
 * An office with its people, for the tests of this folder (imported by *.test.ts only).
 */
import type { OfficePerson } from "./people.ts";
import type { RequestingOffice } from "./requests.ts";

export const HEAD: OfficePerson = { id: "p-ct", name: "Phạm Minh Đức", title: "Chủ tịch", duties: ["head", "official"] };
export const DEPUTY: OfficePerson = { id: "p-pct", name: "Nguyễn Văn An", title: "Phó Chủ tịch", duties: ["deputy", "official"] };
export const CLERK: OfficePerson = { id: "p-vt", name: "Trần Thị Bình", title: "Văn thư", duties: ["clerk"] };
export const CLERK2: OfficePerson = { id: "p-vt2", name: "Hoàng Thị Hoa", title: "Văn thư", duties: ["clerk"] };
export const IT: OfficePerson = { id: "p-it", name: "Lê Văn Cường", title: "Công chức phụ trách chữ ký số", duties: ["it"] };
export const PEOPLE: OfficePerson[] = [HEAD, DEPUTY, CLERK, CLERK2, IT];

export const OFFICE: RequestingOffice = {
  id: "ubnd-hong-bang",
  name: "Ủy ban nhân dân phường Hồng Bàng",
  parentName: "Ủy ban nhân dân thành phố Hải Phòng",
  address: "Số 1 đường Hoàng Văn Thụ, phường Hồng Bàng, thành phố Hải Phòng",
  province: "Hải Phòng",
  email: "ubndhongbang@haiphong.gov.vn",
  symbol: "UBND",
  place: "Hải Phòng",
};
