/**
 * @module Which addresses the gateway may connect to for a URL someone else chose: a caller's webhook, an output
 * URL an orchestrator names off its own origin. Such connections go to public addresses only unless the operator
 * allows more: loopback, private, link-local, shared (carrier-grade NAT), documentation, benchmarking, multicast,
 * reserved and the other special-purpose ranges of IANA's registries are refused, and so is the unspecified address.
 * The operator allows its own networks by CIDR, one setting per use (`webhook-allow-networks`,
 * `output-allow-networks`). The check is made on the addresses a connection goes to — the agent's `lookup` filters
 * what the host name resolves to — so a name that resolves to a public address when it is first seen and to an
 * internal one when it is connected to (DNS rebinding) is refused too.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

/** Special-purpose ranges (RFC 6890 and IANA's IPv4/IPv6 special-purpose registries), with what each is. */
const SPECIAL: ReadonlyArray<readonly [kind: string, cidrs: readonly string[]]> = [
  ["an unspecified", ["0.0.0.0/8", "::/128"]],
  ["a loopback", ["127.0.0.0/8", "::1/128"]],
  ["a private", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]],
  ["a shared (carrier-grade NAT)", ["100.64.0.0/10"]],
  ["a link-local", ["169.254.0.0/16", "fe80::/10"]],
  ["a documentation", ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"]],
  ["a benchmarking", ["198.18.0.0/15", "2001:2::/48"]],
  ["a multicast", ["224.0.0.0/4", "ff00::/8"]],
  [
    "a reserved",
    [
      "192.0.0.0/24",
      "192.88.99.0/24",
      "240.0.0.0/4",
      "100::/64",
      "2001::/23",
      "2002::/16",
      "fec0::/10",
      "64:ff9b:1::/48",
      // IPv4-compatible addresses (deprecated): `::a.b.c.d` (`::` and `::1` are named above).
      "::/96",
    ],
  ],
];

/**
 * IPv6 prefixes that carry an IPv4 address in their last 32 bits and reach it through a translator: NAT64's
 * well-known prefix (RFC 6052) and SIIT's `::ffff:0:0:0/96` (RFC 2765). Each special IPv4 range is refused in these
 * forms too; Node checks IPv4-mapped addresses (`::ffff:a.b.c.d`) against IPv4 rules itself.
 */
const IPV4_CARRIERS = ["64:ff9b::", "::ffff:0:"];

/** A special-purpose CIDR and, for an IPv4 one, the same range inside each {@link IPV4_CARRIERS} prefix. */
function withCarriers(cidr: string): string[] {
  const [address = "", bits = "32"] = cidr.split("/");
  if (isIP(address) !== 4) return [cidr];
  return [cidr, ...IPV4_CARRIERS.map((prefix) => `${prefix}${address}/${96 + Number(bits)}`)];
}

/** The special-purpose ranges as one `BlockList` per kind, built once for every policy. */
const SPECIAL_LISTS: ReadonlyArray<{ kind: string; list: BlockList }> = SPECIAL.map(([kind, cidrs]) => {
  const list = new BlockList();
  for (const cidr of cidrs.flatMap(withCarriers)) addRule(list, cidr);
  return { kind, list };
});

/** A CIDR or a single address as a `BlockList` rule. */
function addRule(list: BlockList, rule: string): boolean {
  const [address = "", bits, extra] = rule.split("/");
  const family = isIP(address);
  if (!family || extra !== undefined) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  if (bits === undefined) {
    list.addAddress(address, type);
    return true;
  }
  const prefix = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
  if (prefix < 0 || prefix > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, prefix, type);
  return true;
}

/** `host` without the brackets of an IPv6 literal in a URL. */
function bare(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** A connection refused for its address: permanent, so it is not retried there. */
export class AddressRefused extends Error {
  readonly code = "EADDRESSREFUSED";
  constructor(message: string) {
    super(message);
    this.name = "AddressRefused";
  }
}

/** Resolves a host name to all its addresses, as `dns.lookup` with `all: true` does. */
export type Resolve = (hostname: string, family: number) => Promise<LookupAddress[]>;

const systemResolve: Resolve = (hostname, family) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, family }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/**
 * The address rules of one kind of connection, and the agents that keep to them.
 * @example const policy = new AddressPolicy("webhook-allow-networks", ["10.1.0.0/16"]); policy.refusal("127.0.0.1") // "… a loopback address …"
 */
export class AddressPolicy {
  readonly #allowed = new BlockList();
  readonly #resolve: Resolve;
  /** The operator's setting that lets more through (named in refusals and errors). */
  readonly setting: string;
  #agents?: { "http:": http.Agent; "https:": https.Agent };

  /**
   * @param setting the operator's setting `allow` comes from, named in errors (`webhook-allow-networks`).
   * @param allow CIDRs or addresses connections may reach besides public ones (`0.0.0.0/0` and `::/0` allow any).
   * @param resolve how host names are resolved (default: the system's resolver, as `dns.lookup`).
   * @throws Error naming the setting and its first entry that is neither an address nor a CIDR.
   */
  constructor(setting: string, allow: readonly string[] = [], resolve: Resolve = systemResolve) {
    this.setting = setting;
    for (const rule of allow) {
      if (!addRule(this.#allowed, rule.trim())) {
        throw new Error(
          `${setting}: ${JSON.stringify(rule)} is not an address or a CIDR (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1)`,
        );
      }
    }
    this.#resolve = resolve;
  }

  /**
   * Why connections may not go to `address` (an IP address), or `undefined` when they may.
   * @example new AddressPolicy("webhook-allow-networks").refusal("10.0.0.5") // "10.0.0.5 is a private address"
   */
  refusal(address: string): string | undefined {
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (this.#allowed.check(address, type)) return undefined;
    const special = SPECIAL_LISTS.find((s) => s.list.check(address, type));
    return special ? `${address} is ${special.kind} address` : undefined;
  }

  /**
   * Why a URL's host is refused before anything is resolved: an IP literal in a refused range, or `localhost`
   * (which names the loopback addresses, RFC 6761) unless they are allowed. Other names are checked when a
   * connection is made through {@link AddressPolicy.agents}.
   * @example new AddressPolicy("webhook-allow-networks").hostRefusal("[::1]") // "::1 is a loopback address"
   */
  hostRefusal(host: string): string | undefined {
    // A fully qualified name may end in a dot (`localhost.`): the same name.
    const name = bare(host).toLowerCase().replace(/\.$/, "");
    if (isIP(name)) return this.refusal(name);
    if (name === "localhost" || name.endsWith(".localhost")) {
      const refused = this.refusal("127.0.0.1") ?? this.refusal("::1");
      return refused && `${host} names the loopback addresses (${refused})`;
    }
    return undefined;
  }

  /** The `lookup` of the policy's agents: the host's addresses without the refused ones, or an error naming them. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const family = typeof options.family === "number" ? options.family : 0;
    this.#resolve(hostname, family).then(
      (addresses) => {
        const allowed = addresses.filter((a) => !this.refusal(a.address));
        if (allowed.length === 0) {
          const why = addresses.map((a) => this.refusal(a.address)).join(", ");
          const err = new AddressRefused(`${hostname} resolves to refused addresses only (${why})`);
          return callback(err as NodeJS.ErrnoException, "", 0);
        }
        if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
        callback(null, allowed[0]!.address, allowed[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };

  /** Keep-alive agents connecting only to allowed addresses (made once per policy). */
  agents(): { "http:": http.Agent; "https:": https.Agent } {
    const options = { keepAlive: true, maxSockets: 64, timeout: 4000, lookup: this.lookup };
    this.#agents ??= { "http:": new http.Agent(options), "https:": new https.Agent(options) };
    return this.#agents;
  }
}
