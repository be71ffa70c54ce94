import { text as ocsfText } from './common';
import type { OcsfOs } from './types';

/**
 * `device.os` from what SC says about a host's operating system: its text (`operating_system` of a
 * finding, Nessus's OS identification, such as "Cisco IOS 15.2(4)M" or "Linux Kernel 3.10 on
 * CentOS Linux release 7.6.1810 (Core)") or its CPE (`os_cpe` of a host, such as
 * `cpe:/o:cisco:ios:15.2`).
 *
 * `os.type_id` is one of the schema's values (objects/os.json, the same in 1.1.0 and 1.3.0):
 * 100 Windows, 101 Windows Mobile, 200 Linux, 201 Android, 300 macOS, 301 iOS, 302 iPadOS,
 * 400 Solaris, 401 AIX, 402 HP-UX, and 99 Other for every other system. Network and hypervisor
 * systems (Cisco IOS, IOS XE, IOS XR, NX-OS, Junos, PAN-OS, FortiOS, ESXi) have no value of their
 * own, so they are 99 with `os.type` naming them, as OCSF asks for Other; a system not recognised
 * is 99 with `os.type` `Other`. 0 Unknown is never written: SC named a system, so it is known.
 */
interface OsFamily {
  /** Recognises the family in SC's text. */
  text: RegExp;
  /** Recognises the family by the CPE's `vendor:product`. */
  cpe: RegExp;
  type_id: number;
  /** The schema's caption for type_id, or the family's name when type_id is 99. */
  type: string;
  /** How a CPE of this family reads as `os.name` (the CPE's version follows it). */
  label?: string;
}

// Order matters: Cisco's systems before Apple's iOS ("Cisco IOS" must never be iOS), IOS XE, XR
// and NX-OS before IOS, Windows Mobile before Windows, iPadOS before iOS, the named systems
// before Linux (several are built on it but are not a Linux distribution to their users).
const FAMILIES: readonly OsFamily[] = [
  {
    text: /\bios[ -]?xe\b/i,
    cpe: /^cisco:ios_xe$/,
    type_id: 99,
    type: 'Cisco IOS XE',
    label: 'Cisco IOS XE',
  },
  {
    text: /\bios[ -]?xr\b/i,
    cpe: /^cisco:ios_xr$/,
    type_id: 99,
    type: 'Cisco IOS XR',
    label: 'Cisco IOS XR',
  },
  { text: /\bnx-?os\b/i, cpe: /^cisco:nx-os$/, type_id: 99, type: 'Cisco NX-OS', label: 'Cisco NX-OS' },
  {
    text: /\bcisco\b.*\bios\b|\bios\b.*\bcisco\b/i,
    cpe: /^cisco:ios$/,
    type_id: 99,
    type: 'Cisco IOS',
    label: 'Cisco IOS',
  },
  { text: /\bjunos\b/i, cpe: /^juniper:junos/, type_id: 99, type: 'Junos', label: 'Juniper Junos' },
  {
    text: /\bpan-?os\b/i,
    cpe: /^paloaltonetworks:pan-os$/,
    type_id: 99,
    type: 'PAN-OS',
    label: 'Palo Alto Networks PAN-OS',
  },
  {
    text: /\bfortios\b|\bfortigate\b/i,
    cpe: /^fortinet:fortios$/,
    type_id: 99,
    type: 'FortiOS',
    label: 'Fortinet FortiOS',
  },
  { text: /\besxi?\b/i, cpe: /^vmware:esxi?$/, type_id: 99, type: 'ESXi', label: 'VMware ESXi' },
  { text: /\bwindows mobile\b/i, cpe: /^microsoft:windows_mobile/, type_id: 101, type: 'Windows Mobile' },
  { text: /\bwindows\b/i, cpe: /^microsoft:windows/, type_id: 100, type: 'Windows' },
  { text: /\bandroid\b/i, cpe: /^google:android$/, type_id: 201, type: 'Android', label: 'Android' },
  { text: /\bipados\b/i, cpe: /^apple:ipados$/, type_id: 302, type: 'iPadOS', label: 'Apple iPadOS' },
  {
    text: /\bapple\b.*\bios\b|\biphone[ _]?os\b|^ios \d/i,
    cpe: /^apple:(?:iphone_os|ios)$/,
    type_id: 301,
    type: 'iOS',
    label: 'Apple iOS',
  },
  {
    text: /\bmac ?os\b|\bos x\b|\bdarwin\b/i,
    cpe: /^apple:mac_?os/,
    type_id: 300,
    type: 'macOS',
    label: 'Apple macOS',
  },
  {
    text: /\bsolaris\b|\bsunos\b/i,
    cpe: /^(?:oracle|sun):(?:solaris|sunos)$/,
    type_id: 400,
    type: 'Solaris',
    label: 'Solaris',
  },
  { text: /\baix\b/i, cpe: /^ibm:aix$/, type_id: 401, type: 'AIX', label: 'IBM AIX' },
  { text: /\bhp-?ux\b/i, cpe: /^hp:hp-ux$/, type_id: 402, type: 'HP-UX', label: 'HP-UX' },
  {
    text: /linux|\bubuntu\b|\bdebian\b|\bred ?hat\b|\brhel\b|\bcentos\b|\bsuse\b|\bsles\b|\bfedora\b|\brocky\b|\balma ?linux\b/i,
    cpe: /^(?:linux:linux_kernel|canonical:ubuntu_linux|redhat:|debian:debian_linux|centos:centos|suse:|novell:suse|opensuse:|fedoraproject:fedora|oracle:linux|rocky|almalinux:|amazon:(?:amazon_)?linux|kali:|gentoo:|archlinux:)/,
    type_id: 200,
    type: 'Linux',
  },
];

const OTHER = { type_id: 99, type: 'Other' } as const;

/** Readable names of the Linux distributions' CPE products (the rest read from the CPE's words). */
const LINUX_LABELS: Record<string, string> = {
  'linux:linux_kernel': 'Linux Kernel',
  'canonical:ubuntu_linux': 'Ubuntu',
  'redhat:enterprise_linux': 'Red Hat Enterprise Linux',
  'debian:debian_linux': 'Debian',
  'centos:centos': 'CentOS',
  'fedoraproject:fedora': 'Fedora',
  'oracle:linux': 'Oracle Linux',
  'amazon:linux': 'Amazon Linux',
  'amazon:amazon_linux': 'Amazon Linux',
  'almalinux:almalinux': 'AlmaLinux',
  'rocky:rocky': 'Rocky Linux',
  'rockylinux:rocky_linux': 'Rocky Linux',
};

/** A parsed CPE name (2.2 URI `cpe:/o:vendor:product:version…` or 2.3 `cpe:2.3:o:vendor:product:version…`). */
interface Cpe {
  vendor: string;
  product: string;
  version: string | undefined;
}

function parseCpe(cpe: string): Cpe | undefined {
  const fields = /^cpe:2\.3:/i.test(cpe)
    ? cpe.split(':').slice(3)
    : /^cpe:\/[aho]?:/i.test(cpe)
      ? cpe.split(':').slice(2)
      : undefined;
  if (fields === undefined || fields[0] === undefined || fields[1] === undefined) return undefined;
  const decode = (value: string | undefined) => {
    if (value === undefined || value === '' || value === '*' || value === '-') return undefined;
    try {
      return decodeURIComponent(value.replaceAll('\\', '')).toLowerCase();
    } catch {
      return value.toLowerCase();
    }
  };
  const vendor = decode(fields[0]);
  const product = decode(fields[1]);
  if (vendor === undefined || product === undefined) return undefined;
  return { vendor, product, version: decode(fields[2]) };
}

const titleCase = (words: string) =>
  words
    .split(/[_\s]+/)
    .filter((w) => w !== '')
    .map((w) => `${w[0]?.toUpperCase()}${w.slice(1)}`)
    .join(' ');

/** A CPE as a person would write the system: `cpe:/o:centos:centos:7` → `CentOS 7`. */
function nameOfCpe(cpe: Cpe, family: OsFamily | undefined): string {
  const key = `${cpe.vendor}:${cpe.product}`;
  const product = cpe.product.startsWith(cpe.vendor)
    ? titleCase(cpe.product)
    : `${titleCase(cpe.vendor)} ${titleCase(cpe.product)}`;
  const label = LINUX_LABELS[key] ?? family?.label ?? product;
  return cpe.version === undefined ? label : `${label} ${cpe.version}`;
}

/**
 * `device.os` from SC's text or CPE (text first: it is what a person reads); undefined without
 * either. With a CPE, `os.cpe_name` holds it as SC gave it and `os.name` is readable.
 *
 * @example
 * ```ts
 * osOf('Cisco IOS 15.2(4)M'); // { name: 'Cisco IOS 15.2(4)M', type_id: 99, type: 'Cisco IOS' }
 * osOf(null, 'cpe:/o:centos:centos:7'); // { name: 'CentOS 7', type_id: 200, type: 'Linux', cpe_name: 'cpe:/o:centos:centos:7' }
 * ```
 */
export function osOf(name: string | null, cpe: string | null = null): OcsfOs | undefined {
  const text = name?.trim() || undefined;
  const cpeText = cpe?.trim() || undefined;
  if (text === undefined && cpeText === undefined) return undefined;
  const parsed = cpeText === undefined ? undefined : parseCpe(cpeText);
  const family =
    (text === undefined ? undefined : FAMILIES.find((f) => f.text.test(text))) ??
    (parsed === undefined
      ? undefined
      : FAMILIES.find((f) => f.cpe.test(`${parsed.vendor}:${parsed.product}`)));
  const { type_id, type } = family ?? OTHER;
  const readable = text ?? (parsed === undefined ? (cpeText as string) : nameOfCpe(parsed, family));
  return { name: ocsfText(readable) ?? readable, type_id, type, cpe_name: ocsfText(cpeText) };
}
