import { type ApplicationConfig, DOCUMENT, InjectionToken, inject, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideSpooledRealtime } from 'rx-realtime/angular';

/**
 * The Spooled credential. The reference server's demo key here; a real app asks its backend for a short-lived token
 * instead (`token: () => auth.token()`), because whatever ships to the browser is public.
 */
export const SPOOLED_API_KEY = new InjectionToken<string>('SPOOLED_API_KEY', { factory: () => 'sk_test_reference' });

// Angular 21 apps are zoneless by default: no zone.js, no provideZoneChangeDetection().
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // A function, run in an injection context: the page's own origin (served with the API, or proxied by `ng serve`).
    provideSpooledRealtime(() => ({ baseUrl: inject(DOCUMENT).location.origin, apiKey: inject(SPOOLED_API_KEY) })),
  ],
};
