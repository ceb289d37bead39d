// js-libp2p -> js-libp2p bulk transfer over one stream (Noise + yamux), the same measurement
// the Java benchmark makes: the dialer writes <mib> MiB in 64 KiB chunks, the listener drains
// them; the time runs until the listener has received everything.
// Arguments: --mib <n> --warmup-mib <n>. Prints one JSON line with MiB/s.
import './polyfill.mjs'
import { createNode } from './libp2p-node.mjs'

function arg (name, dflt) {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}

const PROTOCOL = '/colony/bench/sink/1.0.0'
const CHUNK = 64 * 1024
const listener = await createNode({ pingInterval: 600000 })
const dialer = await createNode({ listen: [], pingInterval: 600000 })
let onDrained = null
await listener.handle(PROTOCOL, async ({ stream }) => {
  let n = 0
  for await (const c of stream.source) n += c.byteLength
  onDrained?.(n)
  await stream.close()
}, { maxInboundStreams: 1024 })

async function transfer (mib) {
  const total = mib * 1024 * 1024
  const chunk = new Uint8Array(CHUNK).fill(7)
  const drained = new Promise(resolve => { onDrained = resolve })
  const start = process.hrtime.bigint()
  const stream = await dialer.dialProtocol(listener.getMultiaddrs()[0], PROTOCOL)
  await stream.sink((async function * () {
    for (let sent = 0; sent < total; sent += CHUNK) yield chunk
  })())
  const got = await drained
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (got !== total) throw new Error(`received ${got} of ${total} bytes`)
  return mib / seconds
}

await transfer(arg('--warmup-mib', 16))
const rate = await transfer(arg('--mib', 64))
process.stdout.write(JSON.stringify({ event: 'result', mibPerSecond: rate }) + '\n')
await Promise.all([dialer.stop(), listener.stop()])
process.exit(0)
