import fs from 'node:fs';
import path from 'node:path';

/**
 * File system types on which SQLite's locking cannot be trusted: its documentation warns that
 * POSIX advisory locks are broken on many network file systems ("SQLite Over a Network, Caveats
 * and Considerations", https://sqlite.org/useovernet.html; WAL needs shared memory, which does not
 * work over a network at all: https://sqlite.org/wal.html). App Service's /home is an SMB share
 * (https://learn.microsoft.com/azure/app-service/configure-custom-container#use-persistent-shared-storage;
 * that it mounts as `cifs` is UNCONFIRMED, so every SMB and NFS type counts).
 */
const NETWORK_TYPES = /^(cifs|smb|smb2|smb3|smbfs|nfs|nfs4|9p|afs|ncpfs|ceph|glusterfs|lustre|gpfs|davfs|fuse\.(sshfs|s3fs|blobfuse|blobfuse2|gcsfuse|rclone|davfs2))$/i;

export interface Mount {
  mountPoint: string;
  type: string;
}

/**
 * The mount that holds `dir` (the longest mount point above it) when it is a network file system;
 * undefined otherwise, or where mounts cannot be read (not Linux). `mounts` is /proc/mounts' text.
 */
export function networkShareOf(dir: string, mounts: string | undefined = readMounts()): Mount | undefined {
  if (!mounts) return undefined;
  let target = path.resolve(dir);
  try {
    target = fs.realpathSync(target);
  } catch {
    // Not created yet: its parents decide.
  }
  let best: Mount | undefined;
  for (const line of mounts.split('\n')) {
    const [, mountPoint, type] = line.split(' ');
    if (!mountPoint || !type) continue;
    const point = mountPoint.replace(/\\040/g, ' ');
    const inside = target === point || target.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (inside && (!best || point.length > best.mountPoint.length)) best = { mountPoint: point, type };
  }
  return best && NETWORK_TYPES.test(best.type) ? best : undefined;
}

function readMounts(): string | undefined {
  try {
    return fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return undefined;
  }
}
