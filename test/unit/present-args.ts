import { expect } from "chai";

import { renderCliError, exitCodeOf } from "../../src/cli/errors.js";
import { parsePresentArgs } from "../../src/present/args.js";

/** `npm run present -- …`'s command line: what it accepts, and the one line (exit code 2) for each mistake. */
const VALID = ["green-bond-issuance", "dvp-atomicity"] as const;

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
    expect(parsePresentArgs(["green-bond-issuance"], VALID)).to.deep.equal({ help: false, scenario: "green-bond-issuance", network: undefined, port: 0, verbose: false });
    expect(parsePresentArgs(["dvp-atomicity", "--network", "localhost", "--port=8080"], VALID)).to.deep.equal({
      help: false,
      scenario: "dvp-atomicity",
      network: "localhost",
      port: 8080,
      verbose: false,
    });
  });

  it("refuses each mistake with one line and exit code 2", () => {
    expect(refusal([])).to.deep.equal({ line: "error: name a scenario: npm run present -- <name> (one of: green-bond-issuance, dvp-atomicity)", code: 2 });
    expect(refusal(["green-bond-issuance", "--port", "abc"])).to.deep.equal({
      line: "error: --port abc is not a port number; give one from 1 to 65535, or leave it out for a free one",
      code: 2,
    });
    expect(refusal(["green-bond-issuance", "--port", "70000"]).line).to.equal("error: --port 70000 is not a port number; give one from 1 to 65535, or leave it out for a free one");
    expect(refusal(["green-bond-issuance", "--network", "localhost,thaiLocalhost"])).to.deep.equal({
      line: 'error: --network "localhost,thaiLocalhost" names two networks; the presenter page shows one-chain scenarios: give one, e.g. --network localhost',
      code: 2,
    });
    expect(refusal(["green-bond-issuance", "--step"]).line).to.equal('error: unknown option "--step"; the options are --network <name>, --port <n>, --verbose, --help (see --help)');
  });
});
