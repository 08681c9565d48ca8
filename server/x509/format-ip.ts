/** Text form of 4- or 16-byte IP address bytes (RFC 5952 for IPv6); other lengths as hex. */
export function formatIpBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.')
  if (bytes.length === 16) {
    const groups: string[] = []
    for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16))
    // RFC 5952 §4.2.3: compress the longest run (≥ 2) of zero groups, the first if tied.
    let bestStart = -1
    let bestLength = 1
    for (let start = 0; start < 8; start++) {
      let length = 0
      while (start + length < 8 && groups[start + length] === '0') length++
      if (length > bestLength) [bestStart, bestLength] = [start, length]
    }
    if (bestStart < 0) return groups.join(':')
    return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`
  }
  if (bytes.length === 8 || bytes.length === 32) {
    const half = bytes.length / 2
    return `${formatIpBytes(bytes.subarray(0, half))}/${formatIpBytes(bytes.subarray(half))}`
  }
  return Buffer.from(bytes).toString('hex')
}
