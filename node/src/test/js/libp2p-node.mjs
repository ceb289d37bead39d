// A js-libp2p node with the stack Colony speaks: TCP, Noise, yamux, identify, ping.
import './polyfill.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair } from '@libp2p/crypto/keys'

/**
 * @param {object} opts
 * @param {string[]} [opts.listen] listen multiaddrs
 * @param {number} [opts.pingInterval] connection monitor interval in ms
 * @param {object} [opts.services] extra services (e.g. gossipsub)
 * @param {object} [opts.connectionManager] connection manager overrides (limits, rate limits)
 */
export async function createNode (opts = {}) {
  const privateKey = await generateKeyPair('Ed25519')
  return createLibp2p({
    privateKey,
    addresses: { listen: opts.listen ?? ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: opts.connectionManager ?? {},
    connectionMonitor: {
      enabled: true,
      pingInterval: opts.pingInterval ?? 10000,
      abortConnectionOnPingFailure: true
    },
    services: {
      identify: identify(),
      ping: ping(),
      ...(opts.services ?? {})
    }
  })
}
