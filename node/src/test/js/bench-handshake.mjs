// js-libp2p -> js-libp2p connection handshakes per second (TCP + multistream + Noise XX + yamux),
// the same loop the Java benchmark runs: each dialer node dials the listener, waits for the
// upgraded connection, hangs up, repeats.
// Arguments: --dialers <n> --warmup <s> --seconds <s>. Prints one JSON line with the result.
import './polyfill.mjs'
import { createNode } from './libp2p-node.mjs'

function arg (name, dflt) {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}

const dialers = arg('--dialers', 1)
const warmup = arg('--warmup', 2)
const seconds = arg('--seconds', 5)

const listener = await createNode({
  pingInterval: 600000,
  connectionManager: { inboundConnectionThreshold: 1e9, maxConnections: 1e6, maxIncomingPendingConnections: 1e6 }
})
const target = listener.getMultiaddrs()[0]
const nodes = await Promise.all(Array.from({ length: dialers }, () => createNode({ listen: [], pingInterval: 600000 })))

async function loop (node, until) {
  let n = 0
  while (Date.now() < until) {
    const conn = await node.dial(target)
    await conn.close()
    n++
  }
  return n
}

await Promise.all(nodes.map(n => loop(n, Date.now() + warmup * 1000)))
const start = Date.now()
const counts = await Promise.all(nodes.map(n => loop(n, start + seconds * 1000)))
const elapsed = (Date.now() - start) / 1000
const total = counts.reduce((a, b) => a + b, 0)
process.stdout.write(JSON.stringify({ event: 'result', dialers, handshakes: total, seconds: elapsed, perSecond: total / elapsed }) + '\n')
await Promise.all([...nodes, listener].map(n => n.stop()))
process.exit(0)
