// The TCP sockets a process listens on, read from Linux's /proc: the inodes of the sockets among
// the process's file descriptors, matched with the LISTEN rows of /proc/net/tcp and tcp6.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One listening socket: its local address and port. */
export interface ListeningSocket {
  address: string;
  port: number;
}

const LISTEN = '0A';

/** Decodes /proc/net's hex address: IPv4 is one little-endian word, IPv6 four of them. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((bytes[2 * i] ?? 0) * 256 + (bytes[2 * i + 1] ?? 0)).toString(16),
  );
  return groups.join(':');
}

function listeningRows(): Map<string, ListeningSocket> {
  const rows = new Map<string, ListeningSocket>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (!local || state !== LISTEN || !inode) continue;
      const [address, port] = local.split(':');
      rows.set(inode, { address: decodeAddress(address ?? ''), port: parseInt(port ?? '0', 16) });
    }
  }
  return rows;
}

/** The sockets process `pid` listens on. */
export function listeningSocketsOf(pid: number): ListeningSocket[] {
  const rows = listeningRows();
  const sockets: ListeningSocket[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    const row = inode === undefined ? undefined : rows.get(inode);
    if (row) sockets.push(row);
  }
  return sockets;
}

/** Every listening socket on a port, whichever process holds it. */
export function listeningSocketsOn(port: number): ListeningSocket[] {
  return [...listeningRows().values()].filter((socket) => socket.port === port);
}
