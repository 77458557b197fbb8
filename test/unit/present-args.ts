import { expect } from "chai";

import { renderCliError, exitCodeOf } from "../../src/cli/errors.js";
import { parsePresentArgs } from "../../src/present/args.js";

/** `npm run present -- …`'s command line: what it accepts, and the one line (exit code 2) for each mistake. */
const VALID = [{ name: "green-bond-issuance" }, { name: "dvp-atomicity", chainCount: 1 }, { name: "cross-chain-dvp", chainCount: 2 }] as const;

function refusal(argv: readonly string[]): { line: string; code: number } {
  try {
    parsePresentArgs(argv, VALID);
  } catch (error) {
    return { line: renderCliError(error, false), code: exitCodeOf(error) };
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("present command line", () => {
  it("takes a scenario, --network and --port; the port is free (0) and the network in-process unless given", () => {
    expect(parsePresentArgs(["green-bond-issuance"], VALID)).to.deep.equal({ help: false, scenario: "green-bond-issuance", port: 0, verbose: false });
    expect(parsePresentArgs(["dvp-atomicity", "--network", "localhost", "--port=8080"], VALID)).to.deep.equal({
      help: false,
      scenario: "dvp-atomicity",
      networks: ["localhost"],
      port: 8080,
      verbose: false,
    });
  });

  it("takes two networks for a two-chain scenario, and none (two in-process networks) by default", () => {
    expect(parsePresentArgs(["cross-chain-dvp", "--network", "localhost,thaiLocalhost"], VALID).networks).to.deep.equal(["localhost", "thaiLocalhost"]);
    expect(parsePresentArgs(["cross-chain-dvp"], VALID).networks).to.equal(undefined);
  });

  it("--help needs no scenario", () => {
    expect(parsePresentArgs(["--help"], VALID)).to.deep.equal({ help: true, port: 0, verbose: false });
  });

  it("refuses each mistake with one line and exit code 2", () => {
    expect(refusal([])).to.deep.equal({ line: "error: name a scenario: npm run present -- <name> (one of: green-bond-issuance, dvp-atomicity, cross-chain-dvp)", code: 2 });
    expect(refusal(["green-bond-issuance", "--port", "abc"])).to.deep.equal({
      line: "error: --port abc is not a port number; give one from 1 to 65535, or leave it out for a free one",
      code: 2,
    });
    expect(refusal(["green-bond-issuance", "--port", "70000"]).line).to.equal("error: --port 70000 is not a port number; give one from 1 to 65535, or leave it out for a free one");
    expect(refusal(["green-bond-issuance", "--step"]).line).to.equal('error: unknown option "--step"; the options are --network <name>[,<name>], --port <n>, --verbose, --help (see --help)');
    expect(refusal(["mars"]).line).to.equal('error: unknown scenario "mars"; choose one of: green-bond-issuance, dvp-atomicity, cross-chain-dvp');
  });

  it("checks --network against the scenario's chains as `npm run scenario` does (networksFor's own lines)", () => {
    expect(refusal(["green-bond-issuance", "--network", "localhost,thaiLocalhost"])).to.deep.equal({
      line: "error: green-bond-issuance runs on one chain: give one network, e.g. --network localhost",
      code: 2,
    });
    expect(refusal(["cross-chain-dvp", "--network", "localhost"])).to.deep.equal({
      line: "error: cross-chain-dvp runs on two chains: name both, e.g. --network localhost,thaiLocalhost",
      code: 2,
    });
    expect(refusal(["cross-chain-dvp", "--network", "localhost,localhost"]).line).to.equal(
      'error: cross-chain-dvp needs two separate ledgers, but --network names "localhost" twice; e.g. --network localhost,thaiLocalhost',
    );
    expect(refusal(["cross-chain-dvp", "--network", "localhost,"]).line).to.equal('error: --network "localhost," has an empty name; write e.g. --network localhost,thaiLocalhost');
  });
});
