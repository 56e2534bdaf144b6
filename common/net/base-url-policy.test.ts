import { describe, expect, it } from "vitest";
import { baseURLRefusal } from "./base-url-policy.js";

const reason = (spec: Parameters<typeof baseURLRefusal>[0]) => baseURLRefusal(spec)?.reason;

describe("baseURLRefusal", () => {
  it("issue 10: allowPrivateNetwork no longer permits plain http to a public address", () => {
    expect(reason({ baseURL: "http://93.184.216.34/v1", allowPrivateNetwork: true })).toBe("InsecureHttp");
    expect(reason({ baseURL: "http://[2606:4700::1111]/v1", allowPrivateNetwork: true })).toBe(
      "InsecureHttp",
    );
    expect(reason({ baseURL: "http://api.example.com/v1" })).toBe("InsecureHttp");
    expect(baseURLRefusal({ baseURL: "http://93.184.216.34/v1", allowPrivateNetwork: true })?.message).toBe(
      "baseURL is plain http to a public address; use https, or set allowInsecureHttp to send the credential unencrypted",
    );
  });

  it("issue 10: allowInsecureHttp permits plain http to a public host, and nothing private", () => {
    expect(reason({ baseURL: "http://93.184.216.34/v1", allowInsecureHttp: true })).toBeUndefined();
    expect(reason({ baseURL: "http://api.example.com/v1", allowInsecureHttp: true })).toBeUndefined();
    expect(reason({ baseURL: "http://127.0.0.1:8080/v1", allowInsecureHttp: true })).toBe("PrivateNetwork");
  });

  it("plain http to a private address or a name needs only allowPrivateNetwork (the name is checked at connect time)", () => {
    expect(reason({ baseURL: "http://127.0.0.1:8080/v1", allowPrivateNetwork: true })).toBeUndefined();
    expect(reason({ baseURL: "http://localhost:8080/v1", allowPrivateNetwork: true })).toBeUndefined();
    expect(reason({ baseURL: "http://vllm.models.svc:8000/v1", allowPrivateNetwork: true })).toBeUndefined();
    expect(reason({ baseURL: "http://10.0.0.5/v1" })).toBe("PrivateNetwork");
  });

  it("https to a public host needs neither", () => {
    expect(reason({})).toBeUndefined();
    expect(reason({ baseURL: "https://api.example.com/v1" })).toBeUndefined();
    expect(reason({ baseURL: "https://169.254.169.254/v1" })).toBe("PrivateNetwork");
  });
});
