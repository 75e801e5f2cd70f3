// Test constants and fixtures that must not be reported above placeholder.
const TEST_PASSWORD = "password";
const password = "changeme";
const apiKey = "<your-api-key>";
const token = "xxxxxxxxxxxxxxxxxxxx";
const secret = "dummy";
const AUTH_TOKEN = "test";
const exampleKey = "AKIAIOSFODNN7EXAMPLE";
const exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const dbUrl = "postgres://user:password@localhost:5432/test";
const tmpl = `mysql://${user}:${pass}@${host}/orders`;
const jwtSample = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const version = "20.11.1";
const commit = "3f786850e387550fdab836ed7e6dc881de23001b";
const uuid = "9b2f6a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
const logo = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
