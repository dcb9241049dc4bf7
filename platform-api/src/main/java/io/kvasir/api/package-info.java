/** Kvasir's public value types and service-provider interfaces: records, interfaces, enums and exceptions only. */
package io.kvasir.api;
