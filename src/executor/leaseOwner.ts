import { randomBytes } from 'node:crypto';
import os from 'node:os';

/** This process's lease owner id: `host/pid/random` (random: two executors in one process differ). */
export function newLeaseOwner(): string {
  return `${os.hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/**
 * True only when the holder ran on this host and its process no longer exists: then its lease can
 * be taken at once instead of waiting for it to expire (a bot restarted after a crash resumes its
 * run immediately). A holder on another host, or any doubt, means "not known dead".
 */
export function leaseOwnerIsDead(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
