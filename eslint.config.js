import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dashboard/dist/', 'data/', 'coverage/', 'test-results/', 'bench-out/', '**/*.tmp.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  // Formatting is prettier's job: turn off the stylistic rules it would fight with.
  prettier,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'error',
      // `_name` marks a deliberately unused binding (a rest-sibling omitted from a copy, a required parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'off',
      // TypeScript checks undefined names (with the DOM and Node libs); typescript-eslint's advice.
      'no-undef': 'off',
    },
  },
)
