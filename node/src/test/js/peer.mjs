// A js-libp2p peer driven by the Java interop tests.
// Prints JSON lines on stdout: {"event":"ready",...}, then one line per event or command result.
// Reads JSON commands on stdin, one per line:
//   {"cmd":"dial","addr":"/ip4/…/p2p/…"}      -> {"event":"dialed","peer":…}
//   {"cmd":"ping","peer":"12D3…"}              -> {"event":"pong","peer":…,"rtt":ms}
//   {"cmd":"echo","peer":"12D3…","size":N}     -> {"event":"echo","ok":true,"size":N}
//   {"cmd":"status"}                           -> {"event":"status","connections":[…]}
//   {"cmd":"hangup","peer":"12D3…"}            -> {"event":"hungup","peer":…}
//   {"cmd":"exit"}
// Arguments: --ping-interval <ms> (connection monitor interval).
import './polyfill.mjs'
import { createInterface } from 'node:readline'
import { randomBytes } from 'node:crypto'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { createNode } from './libp2p-node.mjs'

export const ECHO = '/colony/test/echo/1.0.0'

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function arg (name, dflt) {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : dflt
}

const node = await createNode({ pingInterval: Number(arg('--ping-interval', '10000')) })

await node.handle(ECHO, async ({ stream }) => {
  await stream.sink(stream.source)
})

node.addEventListener('peer:connect', (evt) => emit({ event: 'connected', peer: evt.detail.toString() }))
node.addEventListener('peer:disconnect', (evt) => emit({ event: 'disconnected', peer: evt.detail.toString() }))
node.addEventListener('peer:identify', (evt) => {
  const d = evt.detail
  emit({
    event: 'identify',
    peer: d.peerId.toString(),
    publicKey: d.publicKey == null ? null : Buffer.from(d.publicKey).toString('hex'),
    protocols: d.protocols,
    listenAddrs: d.listenAddrs.map(a => a.toString()),
    observedAddr: d.observedAddr?.toString() ?? null,
    agentVersion: d.agentVersion ?? null,
    protocolVersion: d.protocolVersion ?? null
  })
})

async function echo (peer, size) {
  const stream = await node.dialProtocol(peerIdFromString(peer), ECHO)
  const data = randomBytes(size)
  const chunks = []
  let got = 0
  await Promise.all([
    stream.sink((async function * () {
      for (let i = 0; i < size; i += 65536) yield data.subarray(i, Math.min(size, i + 65536))
    })()),
    (async () => {
      for await (const c of stream.source) {
        const b = c.subarray()
        chunks.push(b)
        got += b.length
      }
    })()
  ])
  const back = Buffer.concat(chunks, got)
  return back.equals(data)
}

async function run (cmd) {
  switch (cmd.cmd) {
    case 'dial': {
      const conn = await node.dial(multiaddr(cmd.addr))
      return { event: 'dialed', peer: conn.remotePeer.toString() }
    }
    case 'ping': {
      const rtt = await node.services.ping.ping(peerIdFromString(cmd.peer))
      return { event: 'pong', peer: cmd.peer, rtt }
    }
    case 'echo':
      return { event: 'echo', ok: await echo(cmd.peer, cmd.size), size: cmd.size }
    case 'status':
      return {
        event: 'status',
        connections: node.getConnections().map(c => ({
          peer: c.remotePeer.toString(), status: c.status, rtt: c.rtt ?? null, streams: c.streams.length
        }))
      }
    case 'hangup':
      await node.hangUp(peerIdFromString(cmd.peer))
      return { event: 'hungup', peer: cmd.peer }
    case 'exit':
      await node.stop()
      process.exit(0)
      break
    default:
      throw new Error('unknown command ' + cmd.cmd)
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let cmd
  try {
    cmd = JSON.parse(line)
  } catch (e) {
    emit({ event: 'error', message: 'bad json: ' + e.message })
    return
  }
  run(cmd).then(emit, (e) => emit({ event: 'error', cmd: cmd.cmd, message: e.message ?? String(e) }))
}).on('close', () => {
  node.stop().finally(() => process.exit(0))
})

emit({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })
