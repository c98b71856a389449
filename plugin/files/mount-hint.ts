import fs from 'node:fs'
import path from 'node:path'

/** File systems where changes made outside this machine's kernel (host, network) raise no events here. */
const EVENTLESS_FS = /^(?:9p|drvfs|v9fs|cifs|smb3?|smbfs|nfs4?|vboxsf|prl_fs|virtiofs|fakeowner|fuse\.(?:sshfs|grpcfuse|osxfs|rclone|s3fs|gcsfuse)|osxfs)$/

export interface Mount {
  mountPoint: string
  fsType: string
}

/** The mounts of this process (Linux `/proc/self/mountinfo`); empty elsewhere. */
export function readMounts(mountinfo = readMountinfo()): Mount[] {
  const mounts: Mount[] = []
  for (const line of mountinfo.split('\n')) {
    // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw"
    const [left, right] = line.split(' - ')
    if (!left || !right) continue
    const mountPoint = left.split(' ')[4]
    const fsType = right.split(' ')[0]
    if (mountPoint && fsType) mounts.push({ mountPoint: unescapeMountPath(mountPoint), fsType })
  }
  return mounts
}

/** The mount a folder lives on (the longest mount point that contains it). */
export function mountOf(dir: string, mounts: Mount[]): Mount | undefined {
  let best: Mount | undefined
  for (const mount of mounts) {
    const within = dir === mount.mountPoint || dir.startsWith(mount.mountPoint.endsWith(path.sep) ? mount.mountPoint : mount.mountPoint + path.sep)
    if (within && (!best || mount.mountPoint.length >= best.mountPoint.length)) best = mount
  }
  return best
}

/** A one-line hint for a watched folder on a file system where events may not arrive, else undefined. */
export function pollingHint(dir: string, mounts: Mount[]): string | undefined {
  const mount = mountOf(dir, mounts)
  if (!mount || !EVENTLESS_FS.test(mount.fsType)) return undefined
  return `${dir} is on a ${mount.fsType} mount (${mount.mountPoint}), where file-system events often do not arrive (Docker bind mounts, WSL2 /mnt/*, network drives). If saves are not picked up, set polling: true (or HOT_RELOAD_POLLING=true).`
}

function readMountinfo(): string {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8')
  } catch {
    return ''
  }
}

/** mountinfo writes spaces, tabs, newlines and backslashes in paths as octal escapes. */
function unescapeMountPath(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
}
