// A js-libp2p peer with @chainsafe/libp2p-gossipsub, driven by the Java gossip interop tests and
// the gossip benchmark. Same line protocol as peer.mjs (JSON commands on stdin, JSON events out).
//   {"cmd":"dial","addr":"/ip4/…/p2p/…"}          -> {"event":"dialed","peer":…}
//   {"cmd":"subscribe","topic":"t"}               -> {"event":"subscribed","topic":"t"}
//   {"cmd":"publish","topic":"t","data":"text"}   -> {"event":"published","recipients":n}
//   {"cmd":"mesh","topic":"t"}                    -> {"event":"mesh","mesh":[…],"subscribers":[…]}
//   {"cmd":"bench-publish","topic":"t","count":n,"size":bytes,"intervalMs":ms}
//        -> publishes n messages carrying their send time (µs, wall clock), one every intervalMs
//           (0: as fast as publish resolves)
//        -> {"event":"bench-published","count":n,"millis":…}
//   {"cmd":"bench-expect","topic":"t","count":n}  -> once n bench messages arrived:
//        {"event":"bench-received","count":n,"p50":µs,"p99":µs,"firstSend":µs,"lastReceive":µs}
//   {"cmd":"request","peer":"12D3…","protocol":"/p/1","data":"<base64>"}
//        -> one request/response exchange as Colony frames it (uvarint length + bytes, each way):
//           {"event":"response","data":"<base64>"} (whatever came back, possibly empty)
//   {"cmd":"connections"}                         -> {"event":"connections","peers":[…]}
//   {"cmd":"exit"}
// Every delivered non-bench message is reported: {"event":"message","topic":…,"from":…,"data":…}.
// Arguments: --heartbeat <ms> (gossipsub heartbeat interval, default 1000).
import './polyfill.mjs'
import { createInterface } from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import { gossipsub } from '@chainsafe/libp2p-gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { createNode } from './libp2p-node.mjs'

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function arg (name, dflt) {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : dflt
}

// The pubsub spec's default message id, from || seqno (8 bytes, big-endian), as Colony uses it,
// so IHAVE/IWANT ids agree between Java and js peers.
function msgIdFn (msg) {
  const from = msg.from.toMultihash().bytes
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, msg.sequenceNumber)
  const id = new Uint8Array(from.length + 8)
  id.set(from, 0)
  id.set(seq, from.length)
  return id
}

const BENCH_MAGIC = 0xb3
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000)

const node = await createNode({
  services: {
    pubsub: gossipsub({
      heartbeatInterval: Number(arg('--heartbeat', '1000')),
      msgIdFn,
      emitSelf: false,
      allowPublishToZeroTopicPeers: true,
      fallbackToFloodsub: false
    })
  }
})
const pubsub = node.services.pubsub

let expect = null
pubsub.addEventListener('message', (evt) => {
  const msg = evt.detail
  if (msg.data.length >= 9 && msg.data[0] === BENCH_MAGIC) {
    if (expect == null || msg.topic !== expect.topic) return
    const sent = Number(new DataView(msg.data.buffer, msg.data.byteOffset + 1, 8).getBigUint64(0))
    const now = nowMicros()
    expect.latencies.push(now - sent)
    expect.firstSend = Math.min(expect.firstSend, sent)
    expect.lastReceive = now
    if (expect.latencies.length === expect.count) {
      const l = expect.latencies.sort((a, b) => a - b)
      emit({
        event: 'bench-received',
        count: l.length,
        p50: l[Math.floor(l.length * 0.5)],
        p99: l[Math.min(l.length - 1, Math.floor(l.length * 0.99))],
        firstSend: expect.firstSend,
        lastReceive: expect.lastReceive
      })
      expect = null
    }
    return
  }
  emit({
    event: 'message',
    topic: msg.topic,
    from: msg.type === 'signed' ? msg.from.toString() : null,
    data: Buffer.from(msg.data).toString('utf8')
  })
})

function uvarint (n) {
  const out = []
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return Uint8Array.from(out)
}

// Sends one framed request and returns every byte the peer sent back (its framed answer, if any).
async function request (peer, protocol, data) {
  const stream = await node.dialProtocol(peerIdFromString(peer), protocol)
  const body = Buffer.from(data, 'base64')
  const chunks = []
  await Promise.all([
    stream.sink([uvarint(body.length), body]),
    (async () => {
      for await (const c of stream.source) chunks.push(Buffer.from(c.subarray()))
    })()
  ])
  const all = Buffer.concat(chunks)
  let i = 0
  let len = 0
  let shift = 0
  while (i < all.length) {
    const b = all[i++]
    len += (b & 0x7f) * 2 ** shift
    shift += 7
    if (b < 0x80) break
  }
  return all.subarray(i, i + len).toString('base64')
}

async function run (cmd) {
  switch (cmd.cmd) {
    case 'dial': {
      const conn = await node.dial(multiaddr(cmd.addr))
      return { event: 'dialed', peer: conn.remotePeer.toString() }
    }
    case 'request':
      return { event: 'response', data: await request(cmd.peer, cmd.protocol, cmd.data) }
    case 'connections':
      return { event: 'connections', peers: node.getConnections().map(c => c.remotePeer.toString()) }
    case 'subscribe':
      pubsub.subscribe(cmd.topic)
      return { event: 'subscribed', topic: cmd.topic }
    case 'publish': {
      const res = await pubsub.publish(cmd.topic, new TextEncoder().encode(cmd.data))
      return { event: 'published', recipients: res.recipients.length }
    }
    case 'mesh':
      return {
        event: 'mesh',
        topic: cmd.topic,
        mesh: pubsub.getMeshPeers(cmd.topic),
        subscribers: pubsub.getSubscribers(cmd.topic).map(p => p.toString())
      }
    case 'bench-expect':
      expect = { topic: cmd.topic, count: cmd.count, latencies: [], firstSend: Infinity, lastReceive: 0 }
      return { event: 'bench-expecting', count: cmd.count }
    case 'bench-publish': {
      const start = performance.now()
      const data = new Uint8Array(cmd.size)
      for (let i = 0; i < cmd.count; i++) {
        data[0] = BENCH_MAGIC
        new DataView(data.buffer).setBigUint64(1, BigInt(nowMicros()))
        new DataView(data.buffer).setUint32(9, i)
        await pubsub.publish(cmd.topic, data.slice())
        if (cmd.intervalMs > 0) await new Promise(resolve => setTimeout(resolve, cmd.intervalMs))
      }
      return { event: 'bench-published', count: cmd.count, millis: performance.now() - start }
    }
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
