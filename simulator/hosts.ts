/**
 * Hosts of the simulated network. Host h is a pure function of (seed, h); the simulator keeps
 * one small object per host (memory proportional to hostCount, never to the number of findings).
 */
import { below, hash, SALT, unit, uuidFrom } from './hash';
import { type OsClass, PLUGINS_PER_HOST, pluginIndicesFor } from './plugins';
import type { RepositoryRef } from './types';

/** The repositories findings live in (reference §3.3 `repository {id,name,description,sciID,dataFormat}`). */
const REPOSITORIES: readonly RepositoryRef[] = [
  { id: '1', name: 'Main', description: 'Internal networks', sciID: '1', dataFormat: 'IPv4' },
  { id: '2', name: 'DMZ', description: 'Internet-facing hosts', sciID: '1', dataFormat: 'IPv4' },
  { id: '3', name: 'Cloud', description: 'Cloud workloads', sciID: '1', dataFormat: 'IPv4' },
];

const OS_BY_CLASS: Record<OsClass, readonly { name: string; cpe: string }[]> = {
  windows: [
    { name: 'Microsoft Windows Server 2019 Datacenter', cpe: 'cpe:/o:microsoft:windows_server_2019' },
    { name: 'Microsoft Windows 10 Enterprise', cpe: 'cpe:/o:microsoft:windows_10' },
  ],
  centos: [
    {
      name: 'Linux Kernel 3.10.0-1160.el7.x86_64 on CentOS Linux release 7.9.2009 (Core)',
      cpe: 'cpe:/o:centos:centos:7',
    },
  ],
  ubuntu: [
    { name: 'Linux Kernel 5.15.0-91-generic on Ubuntu 22.04', cpe: 'cpe:/o:canonical:ubuntu_linux:22.04' },
    { name: 'Linux Kernel 5.4.0-169-generic on Ubuntu 20.04', cpe: 'cpe:/o:canonical:ubuntu_linux:20.04' },
  ],
  web: [
    {
      name: 'Linux Kernel 4.18 on Red Hat Enterprise Linux 8.6 (Ootpa)',
      cpe: 'cpe:/o:redhat:enterprise_linux:8',
    },
  ],
};

/** One host, with everything rows and sumip need. */
export interface Host {
  index: number;
  ip: string;
  dnsName: string;
  netbiosName: string;
  macAddress: string;
  operatingSystem: string;
  osCPE: string;
  osClass: OsClass;
  repository: RepositoryRef;
  repositoryId: number;
  /** Agent hosts carry a uuid; network-scanned hosts have '' (reference §3.3). */
  uuid: string;
  acrScore: string;
  assetExposureScore: string;
  policyName: string;
  /** Catalog indices of the plugins this host can carry; fixed length {@link PLUGINS_PER_HOST}. */
  pluginIndices: number[];
  /** Shifts which plugin a host's slot 0 gets, so hosts of a class differ. */
  rotation: number;
}

function classOf(seed: number, h: number): OsClass {
  const u = unit(seed, SALT.hostClass, h);
  return u < 0.4 ? 'windows' : u < 0.65 ? 'centos' : u < 0.85 ? 'ubuntu' : 'web';
}

function repositoryOf(seed: number, h: number): RepositoryRef {
  const u = unit(seed, SALT.hostRepo, h);
  const repo = u < 0.6 ? REPOSITORIES[0] : u < 0.85 ? REPOSITORIES[1] : REPOSITORIES[2];
  if (!repo) throw new Error('repository table is empty');
  return repo;
}

/**
 * A 24-bit bijection keeps IPs distinct per host: multiplying by an odd constant is invertible
 * modulo 2^24, so two hosts never share an address (part of the identity guarantee, layout.ts).
 */
function ipOf(seed: number, h: number): string {
  const offset = hash(seed, SALT.ipOffset, 0) % 0x100_0000;
  const v = (h * 0x9e3779 + offset) % 0x100_0000;
  return `10.${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

function macOf(seed: number, h: number): string {
  const bytes = hash(seed, SALT.hostMac, h);
  const hex = [16, 8, 0].map((shift) => ((bytes >>> shift) & 0xff).toString(16).padStart(2, '0'));
  return `00:50:56:${hex.join(':')}`;
}

/**
 * Builds host h.
 *
 * @example buildHost(1, 42).dnsName // 'host-0042.example.internal'
 */
export function buildHost(seed: number, h: number, addressSeed: number = seed): Host {
  const osClass = classOf(seed, h);
  const variants = OS_BY_CLASS[osClass];
  const os = variants[below(seed, SALT.hostClass, h + 0x10000, variants.length)] ?? variants[0];
  if (!os) throw new Error(`no operating system for class ${osClass}`);
  const repository = repositoryOf(seed, h);
  const label = `host-${String(h).padStart(4, '0')}`;
  const scoreRoll = hash(seed, SALT.hostScores, h);
  const isAgent = unit(seed, SALT.hostAgent, h) < 0.15;
  return {
    index: h,
    ip: ipOf(addressSeed, h),
    dnsName: `${label}.example.internal`,
    netbiosName: osClass === 'windows' ? `ACME\\${label.toUpperCase()}` : '',
    macAddress: macOf(seed, h),
    operatingSystem: os.name,
    osCPE: os.cpe,
    osClass,
    repository,
    repositoryId: Number(repository.id),
    uuid: isAgent ? uuidFrom(seed, SALT.uuid, h) : '',
    // Some hosts have no ACR/AES yet: SC sends "" then (reference §7.12).
    acrScore: scoreRoll % 5 === 0 ? '' : String((scoreRoll % 10) + 1),
    assetExposureScore: scoreRoll % 7 === 0 ? '' : String((scoreRoll >>> 8) % 1000),
    policyName:
      osClass === 'windows' || osClass === 'centos' ? 'Credentialed Patch Audit' : 'Basic Network Scan',
    pluginIndices: pluginIndicesFor(osClass),
    rotation: below(seed, SALT.hostRotation, h, PLUGINS_PER_HOST),
  };
}

/** All hosts of a simulator, built once at start. */
export function buildHosts(seed: number, count: number, addressSeed: number = seed): Host[] {
  return Array.from({ length: count }, (_, h) => buildHost(seed, h, addressSeed));
}
