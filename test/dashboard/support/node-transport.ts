import { request } from 'node:http'
import type { TrainingTransport } from '../../../dashboard/src/components/training/training-api.js'

/**
 * The quiz's transport over node:http, to a real server on 127.0.0.1. happy-dom's
 * own fetch sends `Origin: http://localhost:3000`, which the lab refuses (as it
 * should: that is a page from another origin).
 */
export const nodeTransport: TrainingTransport = (url, init) =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status: res.statusCode ?? 0, json: async () => JSON.parse(text) as unknown })
      })
    })
    req.on('timeout', () => req.destroy(new Error('timed out')))
    req.on('error', reject)
    req.end(init.body)
  })
