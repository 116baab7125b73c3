import { mount, Page, PageHeader } from '../shared/ui';

mount(
  <Page>
    <PageHeader title="Git">The issue panel arrives with the pickers API.</PageHeader>
  </Page>,
);
