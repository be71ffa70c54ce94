/**
 * The plugin catalog: 40 realistic-looking Nessus plugins. Names, ids and CVEs are illustrative
 * test data, grouped so that each operating system class gets the same number of plugins (the
 * layout needs a fixed count per host, see layout.ts).
 */

export type Severity = 0 | 1 | 2 | 3 | 4;
export type Protocol = 'TCP' | 'UDP' | 'ICMP';
export type OsClass = 'windows' | 'centos' | 'ubuntu' | 'web';

/** Families as SC nests them in rows: `family {id,name,type}`. */
export const FAMILIES = {
  settings: { id: '41', name: 'Settings', type: 'active' },
  general: { id: '30', name: 'General', type: 'active' },
  service: { id: '22', name: 'Service detection', type: 'active' },
  misc: { id: '31', name: 'Misc.', type: 'active' },
  windows: { id: '10', name: 'Windows', type: 'active' },
  bulletins: { id: '20', name: 'Windows : Microsoft Bulletins', type: 'active' },
  centos: { id: '18', name: 'CentOS Local Security Checks', type: 'active' },
  ubuntu: { id: '43', name: 'Ubuntu Local Security Checks', type: 'active' },
  web: { id: '11', name: 'Web Servers', type: 'active' },
  cgi: { id: '12', name: 'CGI abuses', type: 'active' },
} as const;

export type FamilyKey = keyof typeof FAMILIES;

/** The hand-written part of a plugin; everything else is derived in plugin-details.ts. */
export interface PluginSeed {
  id: number;
  name: string;
  family: FamilyKey;
  severity: Severity;
  port: number;
  protocol: Protocol;
  /** Comma-separated CVE ids, '' for none. */
  cve: string;
  /** ISO date the plugin (and, for vulnerabilities, the flaw) was published. */
  published: string;
  exploit: boolean;
}

/** One catalog line: id, name, family, severity, port, protocol, CVEs, published, exploit available. */
type PluginLine = [number, string, FamilyKey, Severity, number, Protocol, string, string, boolean?];

function seedsOf(lines: PluginLine[]): PluginSeed[] {
  return lines.map(([id, name, family, severity, port, protocol, cve, published, exploit = false]) => ({
    id,
    name,
    family,
    severity,
    port,
    protocol,
    cve,
    published,
    exploit,
  }));
}

/** Plugins every host can carry, whatever its operating system. */
// biome-ignore format: a catalog reads best one plugin per line
export const GENERIC_PLUGINS: readonly PluginSeed[] = seedsOf([
  [19506, 'Nessus Scan Information', 'settings', 0, 0, 'TCP', '', '2005-08-26'],
  [11936, 'OS Identification', 'general', 0, 0, 'TCP', '', '2003-12-09'],
  [10287, 'Traceroute Information', 'general', 0, 0, 'UDP', '', '1999-11-27'],
  [22964, 'Service Detection', 'service', 0, 443, 'TCP', '', '2007-08-19'],
  [51192, 'SSL Certificate Cannot Be Trusted', 'general', 2, 443, 'TCP', '', '2010-12-15'],
  [57582, 'SSL Self-Signed Certificate', 'general', 2, 443, 'TCP', '', '2012-01-17'],
  [104743, 'TLS Version 1.0 Protocol Detection', 'service', 2, 443, 'TCP', '', '2017-11-22'],
  [10114, 'ICMP Timestamp Request Remote Date Disclosure', 'general', 1, 0, 'ICMP', 'CVE-1999-0524', '1999-08-01'],
]);

/** Plugins specific to one operating system class; every class has the same count. */
// biome-ignore format: a catalog reads best one plugin per line
export const CLASS_PLUGINS: Readonly<Record<OsClass, readonly PluginSeed[]>> = {
  windows: seedsOf([
    [57608, 'SMB Signing not required', 'misc', 2, 445, 'TCP', '', '2012-01-19'],
    [97833, 'MS17-010: Security Update for Microsoft Windows SMB Server (4013389) (ETERNALBLUE)', 'bulletins', 4, 445, 'TCP', 'CVE-2017-0143,CVE-2017-0144,CVE-2017-0145,CVE-2017-0146,CVE-2017-0147,CVE-2017-0148', '2017-03-14', true],
    [187901, 'KB5034127: Windows 10 Version 1809 / Windows Server 2019 Security Update (January 2024)', 'bulletins', 3, 445, 'TCP', 'CVE-2024-20652,CVE-2024-20674,CVE-2024-20700', '2024-01-09'],
    [179486, 'KB5029247: Windows 10 Version 1809 / Windows Server 2019 Security Update (August 2023)', 'bulletins', 4, 445, 'TCP', 'CVE-2023-35385,CVE-2023-36910,CVE-2023-36911', '2023-08-08'],
    [18405, 'Microsoft Windows Remote Desktop Protocol Server Man-in-the-Middle Weakness', 'windows', 2, 3389, 'TCP', 'CVE-2005-1794', '2005-06-01'],
    [58453, "Terminal Services Doesn't Use Network Level Authentication (NLA) Only", 'misc', 2, 3389, 'TCP', '', '2012-03-23'],
    [26917, 'Microsoft Windows SMB Registry : Nessus Cannot Access the Windows Registry', 'windows', 0, 445, 'TCP', '', '2007-10-04'],
    [166555, 'WinVerifyTrust Signature Validation CVE-2013-3900 Mitigation (EnableCertPaddingCheck)', 'windows', 2, 445, 'TCP', 'CVE-2013-3900', '2013-12-10'],
  ]),
  centos: seedsOf([
    [123560, 'CentOS 7 : libssh2 (CESA-2019:0679)', 'centos', 3, 0, 'TCP', 'CVE-2019-3855,CVE-2019-3856', '2019-03-21'],
    [122327, 'CentOS 7 : openssl (CESA-2019:0483)', 'centos', 2, 0, 'TCP', 'CVE-2018-0734,CVE-2018-5407', '2019-03-13'],
    [130538, 'CentOS 7 : kernel (CESA-2019:3055)', 'centos', 3, 0, 'TCP', 'CVE-2018-20856,CVE-2019-3846,CVE-2019-10126', '2019-10-16'],
    [141596, 'CentOS 7 : bind (CESA-2020:2344)', 'centos', 3, 0, 'TCP', 'CVE-2020-8616,CVE-2020-8617', '2020-06-01'],
    [147847, 'CentOS 7 : sudo (CESA-2021:0221)', 'centos', 3, 0, 'TCP', 'CVE-2021-3156', '2021-01-26', true],
    [157391, 'CentOS 7 : polkit (CESA-2022:0274)', 'centos', 3, 0, 'TCP', 'CVE-2021-4034', '2022-01-25', true],
    [128053, 'CentOS 7 : openssh (CESA-2019:2143)', 'centos', 2, 0, 'TCP', 'CVE-2018-15473', '2019-08-06'],
    [141118, 'Target Credential Status by Authentication Protocol - Valid Credentials Provided', 'settings', 0, 22, 'TCP', '', '2020-10-15'],
  ]),
  ubuntu: seedsOf([
    [160140, 'Ubuntu 20.04 LTS : OpenSSL vulnerabilities (USN-5402-1)', 'ubuntu', 3, 0, 'TCP', 'CVE-2022-1292,CVE-2022-1343', '2022-05-03'],
    [171434, 'Ubuntu 20.04 LTS : Linux kernel vulnerabilities (USN-5877-1)', 'ubuntu', 3, 0, 'TCP', 'CVE-2022-3545,CVE-2022-4378', '2023-02-14'],
    [183064, 'Ubuntu 20.04 LTS / 22.04 LTS : curl vulnerabilities (USN-6429-1)', 'ubuntu', 4, 0, 'TCP', 'CVE-2023-38545,CVE-2023-38546', '2023-10-11'],
    [176212, 'Ubuntu 22.04 LTS : Vim vulnerabilities (USN-6079-1)', 'ubuntu', 2, 0, 'TCP', 'CVE-2023-2426,CVE-2023-2609', '2023-05-16'],
    [187318, 'Ubuntu 22.04 LTS : OpenSSH vulnerabilities (USN-6560-1)', 'ubuntu', 2, 0, 'TCP', 'CVE-2023-48795,CVE-2023-51385', '2023-12-19'],
    [153953, 'SSH Weak Key Exchange Algorithms Enabled', 'misc', 1, 22, 'TCP', '', '2021-10-13'],
    [70658, 'SSH Server CBC Mode Ciphers Enabled', 'misc', 1, 22, 'TCP', 'CVE-2008-5161', '2013-10-28'],
    [10881, 'SSH Protocol Versions Supported', 'general', 0, 22, 'TCP', '', '2002-03-06'],
  ]),
  web: seedsOf([
    [192923, 'Apache 2.4.x < 2.4.59 Multiple Vulnerabilities', 'web', 3, 80, 'TCP', 'CVE-2023-38709,CVE-2024-24795,CVE-2024-27316', '2024-04-04'],
    [182873, 'OpenSSL 1.1.1 < 1.1.1w Vulnerability', 'web', 2, 443, 'TCP', 'CVE-2023-4807', '2023-09-11'],
    [173260, 'OpenSSL 3.0.0 < 3.0.8 Multiple Vulnerabilities', 'web', 3, 443, 'TCP', 'CVE-2023-0286,CVE-2023-0215', '2023-02-07'],
    [134862, 'Apache Tomcat AJP Connector Request Injection (Ghostcat)', 'cgi', 4, 8009, 'TCP', 'CVE-2020-1938', '2020-02-24', true],
    [10107, 'HTTP Server Type and Version', 'web', 0, 80, 'TCP', '', '2000-01-04'],
    [85582, 'Web Application Potentially Vulnerable to Clickjacking', 'cgi', 2, 80, 'TCP', '', '2015-08-22'],
    [42873, 'SSL Medium Strength Cipher Suites Supported (SWEET32)', 'general', 3, 8443, 'TCP', 'CVE-2016-2183', '2009-11-23'],
    [97861, 'Network Time Protocol (NTP) Mode 6 Scanner', 'misc', 2, 123, 'UDP', '', '2017-03-21'],
  ]),
};

export const OS_CLASSES: readonly OsClass[] = ['windows', 'centos', 'ubuntu', 'web'];

/** The whole catalog; a plugin's position here is its catalog index. */
export const PLUGINS: readonly PluginSeed[] = [
  ...GENERIC_PLUGINS,
  ...OS_CLASSES.flatMap((osClass) => CLASS_PLUGINS[osClass]),
];

/** Every host carries this many distinct plugins (generic + its class). */
export const PLUGINS_PER_HOST = GENERIC_PLUGINS.length + CLASS_PLUGINS.windows.length;

/** Catalog indices available to hosts of one class, in a fixed order. */
export function pluginIndicesFor(osClass: OsClass): number[] {
  const generic = GENERIC_PLUGINS.map((_, k) => k);
  const offset = GENERIC_PLUGINS.length + OS_CLASSES.indexOf(osClass) * CLASS_PLUGINS.windows.length;
  return [...generic, ...CLASS_PLUGINS[osClass].map((_, k) => offset + k)];
}
