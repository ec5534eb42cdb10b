// Angular in Jest without a builder: the JIT compiler for the framework's own partially compiled classes, and the
// browser test platform. The library's services are plain classes (nothing of ours is compiled) and need no DOM.
import '@angular/compiler';
import { DOCUMENT, NgModule } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';

/**
 * Jest runs in Node, which has no `document`: the test renderer only looks for root elements in it at teardown
 * (and skips that when it cannot query), so an empty one keeps TestBed from touching a global that is not there.
 */
const WithoutDom = NgModule({ providers: [{ provide: DOCUMENT, useValue: {} }] })(class WithoutDom {});

/** Sets TestBed up for the calling test file. */
export function initTestBed(): void {
  TestBed.initTestEnvironment([BrowserTestingModule, WithoutDom], platformBrowserTesting(), { teardown: { destroyAfterEach: true } });
}
