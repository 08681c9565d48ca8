import { ConfigError } from '../errors.js'
import { commandProduct } from './product-command.js'
import { mitmproxyProduct } from './product-mitmproxy.js'
import type { ProductUnderTest } from './product.js'
import { squidProduct } from './product-squid.js'
import { sslsplitProduct } from './product-sslsplit.js'

/** The real products the lab knows how to install and start, by id (`--product`). */
export const PRODUCTS: Record<string, () => ProductUnderTest> = {
  mitmproxy: () => mitmproxyProduct({ insecure: false }),
  'mitmproxy-ssl-insecure': () => mitmproxyProduct({ insecure: true }),
  squid: squidProduct,
  sslsplit: sslsplitProduct,
}

/** `--product` ids (or `all`) and `--proxy-cmd` templates to products; an unknown id names the known ones. */
export function selectProducts(ids: readonly string[], commands: readonly string[]): ProductUnderTest[] {
  const wanted = ids.length === 0 && commands.length === 0 ? ['all'] : ids
  const products: ProductUnderTest[] = []
  for (const id of wanted) {
    if (id === 'all') {
      products.push(...Object.values(PRODUCTS).map((make) => make()))
      continue
    }
    const make = PRODUCTS[id]
    if (make === undefined) throw new ConfigError('CONFIG_INVALID', `--product ${id} is not a known product; known: ${Object.keys(PRODUCTS).join(', ')}, all (or --proxy-cmd for another)`)
    products.push(make())
  }
  products.push(...commands.map(commandProduct))
  return products
}
