/**
 * The dashboard over plain HTTP, for tests that check what a browser cannot
 * easily show: a cookie jar of one sign-in and the CSRF token of a page.
 * @module
 */

/** A signed-in HTTP client of the dashboard. */
export interface DashboardClient {
  /** The `cookie` header of the session (session and CSRF secret cookies). */
  cookie: string;
  /** GET a dashboard page with the session; redirects are not followed. */
  get(path: string): Promise<Response>;
  /** POST a form with the session; `withCsrf: false` leaves the CSRF token out. */
  post(path: string, form: Record<string, string>, options?: { withCsrf?: boolean }): Promise<Response>;
}

/** The `_csrf` hidden field's value in a page, or null. */
export function csrfTokenIn(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

/** `name=value` pairs of the response's Set-Cookie headers. */
export function cookiesSetBy(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(";")[0] ?? "");
}

/** Signs in with the admin token the way the form does and returns a client with that session. */
export async function signInOverHttp(baseUrl: string, adminToken: string): Promise<DashboardClient> {
  const loginPage = await fetch(`${baseUrl}/dashboard/login`);
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const pair of cookiesSetBy(response)) {
      const [name, ...rest] = pair.split("=");
      if (name) jar.set(name, rest.join("="));
    }
  };
  keep(loginPage);
  const token = csrfTokenIn(await loginPage.text());
  if (token === null) throw new Error("the sign-in page has no CSRF token");
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const signedIn = await fetch(`${baseUrl}/dashboard/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
    body: new URLSearchParams({ _csrf: token, token: adminToken }),
  });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
  keep(signedIn);
  const client: DashboardClient = {
    get cookie() {
      return cookie();
    },
    get: (path) => fetch(`${baseUrl}${path}`, { redirect: "manual", headers: { cookie: cookie() } }),
    async post(path, form, { withCsrf = true } = {}) {
      const body = new URLSearchParams(form);
      if (withCsrf) {
        const page = await client.get("/dashboard");
        keep(page);
        body.set("_csrf", csrfTokenIn(await page.text()) ?? "");
      }
      return fetch(`${baseUrl}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie() },
        body,
      });
    },
  };
  return client;
}
