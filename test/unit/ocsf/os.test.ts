import { describe, expect, it } from 'vitest';
import { deviceInventoryInfoOf, osOf, vulnerabilityFindingOf } from '#lib/ocsf';
import { asset, openFinding } from '../findings/helpers';

/** What Nessus's OS identification writes into SC's `operatingSystem`, and the type it is. */
const TEXTS: [string, number, string][] = [
  ['Cisco IOS 15.2(4)M', 99, 'Cisco IOS'],
  ['Cisco IOS 12.4(24)T', 99, 'Cisco IOS'],
  ['Cisco IOS XE 16.9.4', 99, 'Cisco IOS XE'],
  ['Cisco IOS-XE Software', 99, 'Cisco IOS XE'],
  ['Cisco IOS XR 6.5.3', 99, 'Cisco IOS XR'],
  ['Cisco NX-OS 9.3(5)', 99, 'Cisco NX-OS'],
  ['Juniper Junos Version 18.4R1', 99, 'Junos'],
  ['Palo Alto Networks PAN-OS 10.1.3', 99, 'PAN-OS'],
  ['Fortinet FortiOS 7.0.12', 99, 'FortiOS'],
  ['FortiGate FortiOS on FG-100F', 99, 'FortiOS'],
  ['VMware ESXi 7.0.3 build-19193900', 99, 'ESXi'],
  ['AIX 7.2', 401, 'AIX'],
  ['Solaris 11.4', 400, 'Solaris'],
  ['SunOS 5.10', 400, 'Solaris'],
  ['HP-UX B.11.31', 402, 'HP-UX'],
  ['Linux Kernel 3.10 on CentOS Linux release 7.6.1810 (Core)', 200, 'Linux'],
  ['Ubuntu 22.04 Linux Kernel 5.15', 200, 'Linux'],
  ['Red Hat Enterprise Linux 8.6', 200, 'Linux'],
  ['Debian 12', 200, 'Linux'],
  ['SUSE Linux Enterprise Server 15 SP4', 200, 'Linux'],
  ['Amazon Linux 2', 200, 'Linux'],
  ['Oracle Linux 8', 200, 'Linux'],
  ['Rocky Linux 9.2', 200, 'Linux'],
  ['AlmaLinux 9', 200, 'Linux'],
  ['Fedora 38', 200, 'Linux'],
  ['Microsoft Windows Server 2019 Standard', 100, 'Windows'],
  ['Microsoft Windows Mobile 6.5', 101, 'Windows Mobile'],
  ['Android 13', 201, 'Android'],
  ['Apple iOS 16.5', 301, 'iOS'],
  ['iOS 15.1', 301, 'iOS'],
  ['Apple iPadOS 17.1', 302, 'iPadOS'],
  ['Mac OS X 10.15', 300, 'macOS'],
  ['macOS 14.1', 300, 'macOS'],
  ['Haiku R1/beta4', 99, 'Other'],
  ['Embedded device', 99, 'Other'],
];

/** SC's `osCPE` of a host, its type, and the name a person reads. */
const CPES: [string, number, string, string][] = [
  ['cpe:/o:cisco:ios:15.2', 99, 'Cisco IOS', 'Cisco IOS 15.2'],
  ['cpe:/o:cisco:ios_xe:16.9', 99, 'Cisco IOS XE', 'Cisco IOS XE 16.9'],
  ['cpe:/o:cisco:nx-os', 99, 'Cisco NX-OS', 'Cisco NX-OS'],
  ['cpe:/o:juniper:junos:18.4r1', 99, 'Junos', 'Juniper Junos 18.4r1'],
  ['cpe:/o:paloaltonetworks:pan-os:10.1.3', 99, 'PAN-OS', 'Palo Alto Networks PAN-OS 10.1.3'],
  ['cpe:/o:fortinet:fortios:7.0.12', 99, 'FortiOS', 'Fortinet FortiOS 7.0.12'],
  ['cpe:/o:vmware:esxi:7.0', 99, 'ESXi', 'VMware ESXi 7.0'],
  ['cpe:/o:ibm:aix:7.2', 401, 'AIX', 'IBM AIX 7.2'],
  ['cpe:/o:oracle:solaris:11.4', 400, 'Solaris', 'Solaris 11.4'],
  ['cpe:/o:hp:hp-ux:11.31', 402, 'HP-UX', 'HP-UX 11.31'],
  ['cpe:/o:centos:centos:7', 200, 'Linux', 'CentOS 7'],
  ['cpe:/o:canonical:ubuntu_linux:22.04', 200, 'Linux', 'Ubuntu 22.04'],
  ['cpe:/o:redhat:enterprise_linux:8', 200, 'Linux', 'Red Hat Enterprise Linux 8'],
  ['cpe:/o:debian:debian_linux:12', 200, 'Linux', 'Debian 12'],
  ['cpe:/o:amazon:linux:2', 200, 'Linux', 'Amazon Linux 2'],
  ['cpe:/o:linux:linux_kernel:5.15', 200, 'Linux', 'Linux Kernel 5.15'],
  ['cpe:/o:microsoft:windows_server_2019', 100, 'Windows', 'Microsoft Windows Server 2019'],
  ['cpe:/o:apple:iphone_os:16.5', 301, 'iOS', 'Apple iOS 16.5'],
  ['cpe:/o:apple:mac_os_x:10.15', 300, 'macOS', 'Apple macOS 10.15'],
  ['cpe:2.3:o:cisco:ios:15.2\\(4\\)m:*:*:*:*:*:*:*', 99, 'Cisco IOS', 'Cisco IOS 15.2(4)m'],
  ['cpe:/o:haiku:haiku:r1', 99, 'Other', 'Haiku r1'],
];

describe('osOf', () => {
  it.each(TEXTS)('types "%s" as %i %s, its name as SC wrote it', (text, typeId, type) => {
    expect(osOf(text)).toEqual({ name: text, type_id: typeId, type });
  });

  it.each(CPES)('types %s as %i %s and names it "%s", the CPE in cpe_name', (cpe, typeId, type, name) => {
    expect(osOf(null, cpe)).toEqual({ name, type_id: typeId, type, cpe_name: cpe });
  });

  it('never makes Cisco IOS into Apple iOS, from text or from a CPE', () => {
    for (const os of [
      osOf('Cisco IOS 15.2'),
      osOf('cisco ios'),
      osOf(null, 'cpe:/o:cisco:ios'),
      osOf('Cisco IOS XE'),
    ])
      expect(os?.type_id).toBe(99);
  });

  it('gives no os without text or CPE, and never 0 Unknown for a system SC named', () => {
    expect(osOf(null)).toBeUndefined();
    expect(osOf('  ', '')).toBeUndefined();
    for (const [text] of TEXTS) expect(osOf(text)?.type_id).not.toBe(0);
  });
});

describe('os in the records', () => {
  it('types a finding on a Cisco IOS host as Other, named as SC wrote it', () => {
    const record = vulnerabilityFindingOf(openFinding({ operatingSystem: 'Cisco IOS 15.2(4)M' }));
    expect(record.device.os).toEqual({ name: 'Cisco IOS 15.2(4)M', type_id: 99, type: 'Cisco IOS' });
  });

  it('gives an inventory record of a Cisco IOS XE host a readable name and its CPE apart', () => {
    const record = deviceInventoryInfoOf(asset({ osCPE: 'cpe:/o:cisco:ios_xe:16.9' }));
    expect(record.device.os).toEqual({
      name: 'Cisco IOS XE 16.9',
      type_id: 99,
      type: 'Cisco IOS XE',
      cpe_name: 'cpe:/o:cisco:ios_xe:16.9',
    });
  });
});
