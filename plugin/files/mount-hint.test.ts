import { describe, expect, test } from 'vitest'
import { mountOf, pollingHint, readMounts } from './mount-hint.ts'

// Real /proc/self/mountinfo lines: a container's overlay root, a Docker Desktop bind mount (grpcfuse),
// WSL2's drvfs, an NFS share with a space in its path (octal-escaped), and a plain ext4 disk.
const mountinfo = [
  '550 480 0:52 / / rw,relatime master:233 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A:/var/lib/docker/overlay2/l/B',
  '603 550 0:60 /Users/ana/app /app rw,nosuid,nodev,relatime - fuse.grpcfuse grpcfuse rw,user_id=0,group_id=0,allow_other,max_read=1048576',
  '88 30 0:48 / /mnt/c rw,noatime - 9p drvfs rw,dirsync,aname=drvfs;path=C:\\;uid=1000;gid=1000',
  '120 30 0:70 / /mnt/team\\040share rw,relatime - nfs4 fileserver:/export rw,vers=4.2',
  '35 30 8:1 /home /home rw,relatime - ext4 /dev/sda1 rw',
  'garbage line without a separator',
  '',
].join('\n')

describe('mount hint', () => {
  const mounts = readMounts(mountinfo)

  test('reads mount points and file-system types from mountinfo (escapes undone, junk skipped)', () => {
    expect(mounts).toEqual([
      { mountPoint: '/', fsType: 'overlay' },
      { mountPoint: '/app', fsType: 'fuse.grpcfuse' },
      { mountPoint: '/mnt/c', fsType: '9p' },
      { mountPoint: '/mnt/team share', fsType: 'nfs4' },
      { mountPoint: '/home', fsType: 'ext4' },
    ])
  })

  test('a folder belongs to the longest mount point containing it, not to a mere name prefix', () => {
    expect(mountOf('/app/wizards', mounts)?.fsType).toBe('fuse.grpcfuse')
    expect(mountOf('/application/wizards', mounts)?.fsType).toBe('overlay')
    expect(mountOf('/app', mounts)?.fsType).toBe('fuse.grpcfuse')
  })

  test('hints polling for a folder on a mount without events, naming folder, type and mount; nothing on local disks', () => {
    expect(pollingHint('/app/wizards', mounts)).toBe(
      '/app/wizards is on a fuse.grpcfuse mount (/app), where file-system events often do not arrive (Docker bind mounts, WSL2 /mnt/*, network drives). If saves are not picked up, set polling: true (or HOT_RELOAD_POLLING=true).',
    )
    expect(pollingHint('/mnt/c/Users/ana/app/wizards', mounts)).toContain('on a 9p mount (/mnt/c)')
    expect(pollingHint('/mnt/team share/wizards', mounts)).toContain('on a nfs4 mount (/mnt/team share)')
    expect(pollingHint('/home/ana/app/wizards', mounts)).toBeUndefined()
    expect(pollingHint('/srv/app/wizards', mounts)).toBeUndefined()
    expect(pollingHint('/srv/app/wizards', [])).toBeUndefined()
  })
})
