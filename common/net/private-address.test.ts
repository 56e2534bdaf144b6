import { describe, expect, it } from "vitest";
import { isPrivateNetworkURL } from "./private-address.js";

describe("isPrivateNetworkURL", () => {
  it.each([
    "http://127.0.0.1:8080/v1",
    "https://10.1.2.3",
    "https://172.20.0.1",
    "https://192.168.1.1",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://localhost:443",
    "https://0.0.0.0",
  ])("flags %s", (url) => {
    expect(isPrivateNetworkURL(url)).toBe(true);
  });

  it.each(["https://api.openai.com/v1", "https://8.8.8.8", "https://[2001:4860:4860::8888]/", "not a url"])(
    "passes %s",
    (url) => {
      expect(isPrivateNetworkURL(url)).toBe(false);
    },
  );
});
